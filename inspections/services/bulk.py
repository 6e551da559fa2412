"""Bulk inserts for draws: a 1,000,000-target frame and tens of thousands of selections and
seats are written with PostgreSQL's COPY (one stream, no per-row SQL or model instances);
other databases (the embedded SQLite of the demo) use ``bulk_create``."""

import json
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import JSONField, Model


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert plain value tuples, in the order of ``fields`` (attnames, e.g. "draw_id")."""
    if connection.vendor != "postgresql":
        # Rows carry JSON columns already encoded (COPY takes text); decode them for the ORM.
        json_fields = [
            f for f in fields if isinstance(model._meta.get_field(f.removesuffix("_id")), JSONField)
        ]
        objs = []
        for row in rows:
            values = dict(zip(fields, row, strict=True))
            for f in json_fields:
                if isinstance(values[f], str):
                    values[f] = json.loads(values[f])
            objs.append(model(**values))
        model.objects.bulk_create(objs, batch_size=2000)
        return
    # Columns named from the model so a renamed field cannot silently shift the COPY.
    opts = model._meta
    columns = ", ".join(
        connection.ops.quote_name(opts.get_field(f.removesuffix("_id")).column) for f in fields
    )
    table = connection.ops.quote_name(opts.db_table)
    sql = f"COPY {table} ({columns}) FROM STDIN"  # noqa: S608 (names come from the model)
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def enterprise_pks(usccs: Sequence[str]) -> dict[str, int]:
    """uscc → enterprise primary key for many codes. On PostgreSQL one statement with the
    codes bound as one array parameter by the driver (no client-side quoting of each)."""
    from regulator.models import Enterprise

    if connection.vendor != "postgresql":
        out: dict[str, int] = {}
        for at in range(0, len(usccs), 900):
            out.update(Enterprise.objects.filter(uscc__in=usccs[at : at + 900]).values_list("uscc", "pk"))
        return out
    # The driver's own cursor binds the list as one array parameter (no per-code quoting).
    connection.ensure_connection()
    table = connection.ops.quote_name(Enterprise._meta.db_table)
    with connection.connection.cursor() as cur:
        cur.execute(f"SELECT uscc, id FROM {table} WHERE uscc = ANY(%s)", [list(usccs)])  # noqa: S608
        return dict(cur.fetchall())
