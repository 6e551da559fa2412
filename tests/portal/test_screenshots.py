"""`make screenshots`: every public page at desktop and phone width, in Chinese (the
default) and a few in English, written under docs/screenshots/. Skipped unless
PORTAL_SCREENSHOTS names the output folder."""

import os
from pathlib import Path

import pytest

from tests.portal.browser import DESKTOP, PHONE, overflow, wide_elements

OUT = os.environ.get("PORTAL_SCREENSHOTS", "")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not OUT, reason="set PORTAL_SCREENSHOTS (make screenshots)"),
]


def test_screenshots(browser, live_draw_world, march):
    live_portal = live_draw_world
    out = Path(OUT)
    out.mkdir(parents=True, exist_ok=True)
    shots = dict(live_portal.named_pages())
    for lang, locale in (("zh", "zh-CN"), ("en", "en-US")):
        for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            ctx = browser.new_context(locale=locale, viewport=size, is_mobile=size is PHONE)
            for name, path in shots.items():
                if lang == "en" and name not in live_portal.english_shots:
                    continue
                # A fresh tab per page: a full-page capture in mobile emulation leaves the
                # next page's layout viewport resized.
                page = ctx.new_page()
                page.goto(live_portal.url + path)
                assert overflow(page) <= 0, (name, size_name, wide_elements(page))
                page.screenshot(
                    path=str(out / f"{name}-{size_name}{'-en' if lang == 'en' else ''}.png"), full_page=True
                )
            ctx.close()
