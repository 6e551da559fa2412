"""The portal in a real browser (Debian's chromium, headless) against a live server.
Select with ``-m browser``."""

import datetime as dt
import io
import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine

from tests.portal.browser import PHONE, overflow, watch_errors, wide_elements

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_finds_the_enterprise_and_its_page_opens(page, live_portal):
    page.goto(live_portal.url + "/public/")
    page.get_by_label(re.compile("Enterprise name")).fill("华信")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="华信网络科技有限公司").click()
    assert page.locator("h1").inner_text() == "华信网络科技有限公司"
    assert page.get_by_test_id("score").inner_text() == str(live_portal.score_a)
    # The licence section names services in English on an English page (catalogue §1.8).
    assert "Internet data centre (IDC)" in page.locator("#licences").inner_text()
    # The score chart rendered, with the grade thresholds drawn as target lines.
    chart = page.locator("#credit svg.chart")
    assert chart.bounding_box()["width"] > 300
    assert chart.locator("g.target").count() == 3
    assert chart.locator("g.series circle").count() >= 3


def test_search_by_licence_number_and_uscc(page, live_portal):
    page.goto(live_portal.url + "/public/?" + urlencode({"q": live_portal.lic_b.number}))
    assert page.get_by_role("link", name="蓝海信息技术有限公司").is_visible()
    page.goto(live_portal.url + "/public/?q=" + live_portal.c.uscc.lower())
    assert page.get_by_role("link", name="星河数据科技有限公司").is_visible()


def test_list_entry_detail_opens_and_removed_is_marked(page, live_portal):
    page.goto(live_portal.url + "/public/lists/?status=all")
    page.get_by_role("link", name="华信网络科技有限公司").click()
    body = page.locator("main").inner_text()
    assert "未按期报送2025年度年报" in body and "北京市通信管理局" in body
    assert page.locator(".verdict.bad").is_visible()
    page.goto(live_portal.url + "/public/lists/?status=removed")
    page.get_by_role("link", name="星河数据科技有限公司").click()
    assert "Removed from the list" in page.locator(".verdict").inner_text()
    assert page.get_by_role("link", name="Download as CSV").count() == 0  # only on the list page


def test_language_switch_persists(browser, live_portal):
    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    page.goto(live_portal.url + "/public/lists/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "经营不良名单与失信名单" in page.locator("h1").inner_text()
    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "Bad-operation and dishonest lists"
    # The choice is kept (cookie) on the next page, whatever the browser asks for.
    page.goto(live_portal.url + f"/public/licences/{live_portal.lic_a.number}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Internet data centre (IDC)" in page.locator("main").inner_text()
    page.get_by_role("button", name="中文").click()
    assert "互联网数据中心业务" in page.locator("main").inner_text()
    ctx.close()


def _document_and_signature(page, live_portal):
    page.goto(live_portal.url + f"/public/licences/{live_portal.lic_a.number}/")
    return json.loads(page.locator("#document-json").text_content()), page.locator("#signature").inner_text()


def test_pasted_licence_verifies_and_tampering_is_caught(page, live_portal):
    doc, sig = _document_and_signature(page, live_portal)
    page.goto(live_portal.url + "/public/licences/")
    tampered = dict(doc, valid_until="2099-12-31")
    page.get_by_label("Document (JSON)").fill(json.dumps(tampered, ensure_ascii=False))
    page.get_by_label("Signature").fill(sig)
    page.get_by_role("button", name="Verify").click()
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "invalid_signature"
    assert "Not genuine" in page.locator(".verdict").inner_text()
    page.get_by_label("Document (JSON)").fill(json.dumps(doc, ensure_ascii=False, indent=2))
    page.get_by_label("Signature").fill(sig)
    page.get_by_role("button", name="Verify").click()
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "valid"
    assert "Valid" in page.locator(".verdict").inner_text()


def test_qr_code_decodes_to_data_that_verifies(page, live_portal):
    import zxingcpp
    from PIL import Image

    page.goto(live_portal.url + f"/public/licences/{live_portal.lic_a.number}/")
    png = page.locator("#licence-qr svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1
    url = found[0].text
    q = parse_qs(urlsplit(url).query)
    ver = live_portal.lic_a.versions.get(version=live_portal.lic_a.version)
    assert q["n"] == [live_portal.lic_a.number] and q["v"] == [str(ver.version)]
    assert q["h"] == [ver.document_sha256] and q["s"] == [ver.signature]
    page.goto(url)
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "valid"
    # A code whose signature was swapped for another licence's does not verify.
    other = live_portal.lic_b.versions.order_by("-version").first()
    page.goto(url.replace(urlencode({"s": ver.signature}), urlencode({"s": other.signature})))
    assert "Not genuine" in page.locator(".verdict").inner_text()


def test_suspended_licence_says_so(page, live_portal):
    page.goto(live_portal.url + f"/public/licences/{live_portal.lic_b.number}/")
    page.get_by_role("link", name="Verify this licence").click()
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "suspended"
    assert "Suspended" in page.locator(".verdict").inner_text()


def test_draw_page_shows_the_commands(page, live_draw_world):
    w = live_draw_world
    page.goto(w.url + "/public/draws/")
    page.get_by_role("link", name=w.draw.campaign.title).click()
    section = page.locator("#check-yourself")
    assert section.is_visible()
    assert page.locator("#cmd-verify").inner_text() == f"python verify_draw.py {w.draw.pk} --url {w.url}"
    assert page.locator("#cmd-install").inner_text() == "pip install consistent-sampler==1.0.10"
    # The download command's URL serves the script.
    url = page.locator("#cmd-download").inner_text().split()[-1]
    assert page.request.get(url).body().startswith(b"#!/usr/bin/env python3")


def test_complaint_charts_render_with_target_lines(page, live_server, march):
    # The page shows the twelve months up to "today": stand in November 2026 (March in range).
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        page.goto(live_server.url + "/public/complaints/charts/")
        for name, target in (("fast_rate", "90"), ("timely_rate", "95"), ("satisfaction", "82")):
            chart = page.locator(f"#chart-{name} svg.chart")
            assert chart.bounding_box()["width"] > 300, name
            line = chart.locator(f'g.target[data-target="{target}"] line')
            assert line.count() == 1 and line.bounding_box()["width"] > 200, name
            assert chart.locator("g.series circle").count() == 1, name  # March, the one month with data


def test_nothing_overflows_at_phone_width(browser, live_draw_world):
    live_portal = live_draw_world
    ctx = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, device_scale_factor=1)
    page = ctx.new_page()
    errors = watch_errors(page)
    for path in live_portal.pages():
        page.goto(live_portal.url + path)
        assert overflow(page) <= 0, (path, wide_elements(page))
    ctx.close()
    assert errors == [], errors


def test_print_page_has_a_working_print_button(page, live_portal):
    # The button is wired by our own script (the CSP refuses inline handlers).
    page.goto(live_portal.url + f"/public/licences/{live_portal.lic_a.number}/print/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".licence-sheet #licence-qr svg").is_visible()
