"""The public complaint record page in a real browser (Debian's chromium, headless): the
filter form narrows the record, paging goes by Previous/Next, and the twelve-column table
folds into cards at phone width without overflowing. Select with ``-m browser``."""

import pytest

from complaints import metrics
from tests.portal.browser import PHONE, overflow, watch_errors, wide_elements

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_form_filters_and_the_page_fits_a_phone(browser, live_server, march):
    ctx = browser.new_context(locale="en-US", viewport=PHONE, is_mobile=True, device_scale_factor=1)
    page = ctx.new_page()
    errors = watch_errors(page)
    page.goto(live_server.url + "/public/complaints/records/")
    every = [c.public_id for c in metrics.public_records()]
    assert page.locator("tbody td:first-child code").all_inner_texts() == every
    assert overflow(page) <= 0, wide_elements(page)
    page.get_by_label("Period (YYYY-MM, YYYY-Qn or YYYY)").fill("2026-03")
    page.get_by_label("Category").select_option("network")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**category=network**")
    network = [c.public_id for c in metrics.public_records(category="network")]
    assert network and page.locator("tbody tr").count() == len(network)
    assert "Page 1" not in page.content()  # one page: no pager, and never a page total
    page.get_by_label("Enterprise (unified social credit code)").fill("not a code")
    page.get_by_role("button", name="Show").click()
    assert "unified social credit code" in page.get_by_role("alert").inner_text()
    ctx.close()
    assert errors == [], errors
