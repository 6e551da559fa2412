"""Draws and inspection results on the portal (双随机、一公开, REGULATION.md §3)."""

import pytest

from inspections.selectors import public_draw_document

pytestmark = pytest.mark.django_db


def text(r) -> str:
    return r.content.decode()


def test_draw_list_and_page_publish_what_the_protocol_names(client, draw_world):
    draw = draw_world.draw
    assert f"/public/draws/{draw.pk}/" in text(client.get("/public/draws/"))
    r = client.get(f"/public/draws/{draw.pk}/")
    assert r.status_code == 200
    body = text(r)
    doc = public_draw_document(draw)
    assert doc["frame_hash"] in body and doc["seed"] in body
    for value in doc["seed_inputs"]:
        assert value in body
    for s in doc["selections"]:
        assert s["id"] in body and s["ticket"] in body
    for a in doc["assignments"]:
        assert ", ".join(a["badges"]) in body
    assert draw.frozen_at.astimezone().strftime("%Y-%m-%d") in body


def test_draw_page_gives_the_exact_commands(client, draw_world):
    draw = draw_world.draw
    body = text(client.get(f"/public/draws/{draw.pk}/"))
    assert "pip install consistent-sampler==1.0.10" in body
    assert "curl -o verify_draw.py http://testserver/public/draws/verify_draw.py" in body
    assert f"python verify_draw.py {draw.pk} --url http://testserver" in body
    assert f"curl -o frame.json http://testserver/api/v1/public/draws/{draw.pk}/frame/" in body
    # The script the commands download is the repository's tools/verify_draw.py.
    r = client.get("/public/draws/verify_draw.py")
    assert r.status_code == 200 and b"consistent_sampler" in r.content
    assert client.get("/public/draws/999999/").status_code == 404


def test_results_list_filters_and_csv(client, draw_world):
    ins = draw_world.inspection
    r = client.get("/public/inspection-results/")
    assert [i.pk for i, _items in r.context["rows"]] == [ins.pk]
    body = text(r)
    assert ins.enterprise.name in body and "年报信息与经营情况检查" in body
    assert ins.facts == "" or ins.facts not in body  # the team's facts are not published
    assert client.get("/public/inspection-results/", {"result": "violation"}).context["rows"] == []
    r = client.get("/public/inspection-results/", {"q": ins.uscc.lower(), "result": "ok"})
    assert len(r.context["rows"]) == 1
    assert r.context["csv_url"].startswith("/api/v1/public/inspection-results/?")
    assert "uscc=" + ins.uscc in r.context["csv_url"] and "format=csv" in r.context["csv_url"]
    assert client.get(r.context["csv_url"]).status_code == 200


def test_enterprise_page_has_the_inspections_section(client, draw_world):
    ins = draw_world.inspection
    r = client.get(f"/public/enterprises/{ins.uscc}/")
    assert "inspections" in [s["anchor"] for s in r.context["sections"]]
    assert "No problem found" in text(r)


def test_query_budgets(client, draw_world, django_assert_max_num_queries):
    draw = draw_world.draw
    for url, budget in (
        ("/public/draws/", 2),
        (f"/public/draws/{draw.pk}/", 5),  # draw, items, selections, teams, recusals
        ("/public/inspection-results/", 5),
    ):
        client.get(url)
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
