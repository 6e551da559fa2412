"""Playwright driving Debian's chromium (never a downloaded browser: the machine has no
network besides package registries). scripts/ensure-chromium.sh installs it; `make test`
runs that first."""

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls
    # stay synchronous, but Django's async-safety guard would refuse them.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    yield b
    b.close()
    pw.stop()
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser):
    """A fresh context (no cookies) in English, desktop size."""
    ctx = browser.new_context(locale="en-US", viewport=DESKTOP)
    p = ctx.new_page()
    p.set_default_timeout(10_000)
    errors = watch_errors(p)
    yield p
    ctx.close()
    # A script or style refused by the Content-Security-Policy, a missing asset or a
    # script error shows up here.
    assert errors == [], errors


def watch_errors(p) -> list[str]:
    errors: list[str] = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 = no sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


WIDE_JS = """() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5 && r.width > 0) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' ' + Math.round(r.right));
  }
  return out.slice(0, 8);
}"""


def wide_elements(page) -> list[str]:
    """The elements that stick out on the right (for a readable failure message)."""
    return page.evaluate(WIDE_JS)
