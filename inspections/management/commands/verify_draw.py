"""``python manage.py verify_draw ID [--url BASE]``: recompute a draw from its published
data (this database's public documents, or another telereg's public API) with the
reference package and report exactly what differs. The checking code is the standalone
``tools/verify_draw.py`` that citizens run, so both give the same verdict."""

import importlib.util
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rest_framework.utils.encoders import JSONEncoder

TOOL = Path(settings.BASE_DIR) / "tools" / "verify_draw.py"


def load_tool():
    spec = importlib.util.spec_from_file_location("telereg_verify_draw", TOOL)
    if spec is None or spec.loader is None:
        raise CommandError(f"cannot load {TOOL}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def local_documents(draw_id: int) -> tuple[bytes, dict]:
    from config.api import NotFound
    from inspections import selectors
    from inspections.services.campaigns import frame_chunks

    try:
        draw = selectors.public_draw_get(draw_id)
    except NotFound:
        raise CommandError(f"no draw {draw_id}")
    frame = b"".join(frame_chunks(draw.pk))
    # The document exactly as the public API serialises it.
    doc = json.loads(json.dumps(selectors.public_draw_document(draw), cls=JSONEncoder))
    return frame, doc


class Command(BaseCommand):
    help = "Recompute a published draw and report every difference (exit status 1 if any)."

    def add_arguments(self, parser):
        parser.add_argument("draw_id", type=int)
        parser.add_argument("--url", help="verify another telereg's public API instead of this database")

    def handle(self, *args, draw_id: int, url: str | None = None, **opts):
        # The citizens' script does the checking, so the command and the script cannot disagree.
        tool = load_tool()
        frame, doc = tool.fetch(url, draw_id) if url else local_documents(draw_id)
        diffs = tool.verify(frame, doc)
        if diffs:
            for d in diffs:
                self.stdout.write(f"DIFFERS: {d}")
            raise CommandError(f"draw {draw_id}: {len(diffs)} difference(s)")
        self.stdout.write(
            f"draw {draw_id}: OK ({len(doc.get('selections', []))} selections, teams and recusals)"
        )
