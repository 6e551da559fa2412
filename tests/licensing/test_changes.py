"""Issue 11 points 4, 6, 7, 8, 9, 11, 12: change filings and re-signing, prior-approval
changes, cancellation, the register import, annual-report publication, policy settings,
material downloads, contacts and notifications."""

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from config.api import ApplicationError, Conflict, NotFound
from licensing import services
from licensing.models import Licence, LicensingDecision, NumberSequence
from regulator.models import AuditEvent
from tests.factories import EnterpriseFactory, new_uscc
from tests.licensing.conftest import commitment, new_app, pdf, standard_issued

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y, m, d):
    return time_machine.travel(dt.datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


# --- 11.4 / 11.6 change filings re-sign the e-licence -----------------------------------


def test_change_filing_updates_the_register_and_resigns_every_live_licence(api, enterprise_a, officer_bj):
    _a, l1 = standard_issued(enterprise_a, officer_bj, categories=["B11"])
    _b, l2 = standard_issued(enterprise_a, officer_bj, categories=["B12"])
    old = l1.versions.get(version=1)
    with at(2026, 12, 20):
        r = api(enterprise_a).post(
            "/api/v1/change-filings/",
            {
                "changed_on": "2026-11-01",
                "name": "甲网络科技股份有限公司",
                "registered_address": "北京市海淀区1号",
            },
            format="json",
        )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["late"] is True and body["due_on"] == "2026-12-01" and body["licences_resigned"] == 2
    for lic in (l1, l2):
        lic.refresh_from_db()
        new = lic.versions.get(version=2)
        assert new.change == "holder_changed" and new.document["holder"]["name"] == "甲网络科技股份有限公司"
    v = services.licence_verify(document=old.document, signature=old.signature)
    assert v["verdict"] == "superseded" and v["signature_valid"]
    # Contacts are not registered facts and are not filed here.
    r = api(enterprise_a).post(
        "/api/v1/change-filings/", {"changed_on": "2026-11-01", "contact_phone": "1"}, format="json"
    )
    assert r.status_code == 400


def test_change_filing_on_time_is_not_late(enterprise_a):
    with at(2026, 11, 20):
        f = services.enterprise_change_file(
            actor=enterprise_a, changed_on=dt.date(2026, 11, 1), legal_representative="李四"
        )
    assert f.late is False and f.after["legal_representative"] == "李四"


def test_prior_approval_change_ends_in_a_new_licence_version(enterprise_a, officer_bj):
    _a, lic = standard_issued(enterprise_a, officer_bj, categories=["B11"])
    app = services.application_create(
        actor=enterprise_a,
        categories=["B11", "B12"],
        coverage=["11"],
        registered_capital=Decimal("5000000"),
        staff_count=10,
        premises="p",
        security_measures="s",
        change_licence_number=lic.number,
    )
    assert app.kind == "change"
    services.application_submit(actor=enterprise_a, application_id=app.pk, commitment=commitment())
    app.refresh_from_db()
    assert app.path == "standard"  # reviewed like a new one, on the standard path
    services.application_accept(actor=officer_bj, application_id=app.pk)
    services.application_start_review(actor=officer_bj, application_id=app.pk)
    services.application_approve(actor=officer_bj, application_id=app.pk, reason="ok")
    services.application_issue(actor=officer_bj, application_id=app.pk)
    lic.refresh_from_db()
    assert lic.categories == ["B11", "B12"] and lic.version == 2
    assert lic.versions.get(version=2).change == "changed"
    assert LicensingDecision.objects.filter(licence=lic, kind="change").exists()
    with pytest.raises(ApplicationError):  # a change that moves the licence to MIIT
        services.application_create(
            actor=enterprise_a,
            categories=["B11"],
            coverage=["11", "31"],
            registered_capital=Decimal("50000000"),
            staff_count=10,
            premises="p",
            security_measures="s",
            change_licence_number=lic.number,
        )


# --- 11.7 cancellation ------------------------------------------------------------------


def _cancel_body(lic, **over):
    body = {
        "licence_number": lic.number,
        "categories": lic.categories,
        "users_settled": True,
        "users_statement": "用户已全部迁移并书面告知",
        "stop_on": (dt.date.today() + dt.timedelta(days=91)).isoformat(),
    }
    body.update(over)
    return body


def test_cancellation_needs_settled_users_and_90_days_notice(api, enterprise_a, officer_bj):
    _a, lic = standard_issued(enterprise_a, officer_bj)
    r = api(enterprise_a).post(
        "/api/v1/cancellations/",
        _cancel_body(lic, users_settled=False, stop_on=(dt.date.today() + dt.timedelta(days=30)).isoformat()),
        format="json",
    )
    assert r.status_code == 400 and {"users_settled", "stop_on"} <= set(r.json()["errors"])


def test_cancellation_confirmed_ends_the_licence_with_a_signed_version(
    api, enterprise_a, officer_bj, officer_gd
):
    _a, lic = standard_issued(enterprise_a, officer_bj)
    r = api(enterprise_a).post("/api/v1/cancellations/", _cancel_body(lic), format="json")
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    assert api(officer_gd).post(f"/api/v1/cancellations/{cid}/confirm/", {}, format="json").status_code == 404
    r = api(officer_bj).post(
        f"/api/v1/cancellations/{cid}/confirm/", {"reason": "核实用户已妥善处理"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    lic.refresh_from_db()
    assert lic.status == "cancelled"
    assert lic.versions.order_by("-version").first().document["status"] == "cancelled"
    assert LicensingDecision.objects.filter(licence=lic, kind="cancellation").count() == 1
    assert (
        api(officer_bj)
        .post(f"/api/v1/cancellations/{cid}/refuse/", {"reason": "x"}, format="json")
        .status_code
        == 409
    )


def test_cancelling_some_services_keeps_the_licence(enterprise_a, officer_bj):
    _a, lic = standard_issued(enterprise_a, officer_bj, categories=["B11", "B12"])
    c = services.cancellation_file(
        actor=enterprise_a,
        licence_number=lic.number,
        categories=["B12"],
        users_settled=True,
        users_statement="已处理",
        stop_on=dt.date.today() + dt.timedelta(days=90),
    )
    services.cancellation_confirm(actor=officer_bj, cancellation_id=c.pk)
    lic.refresh_from_db()
    assert (lic.status, lic.categories, lic.version) == ("valid", ["B11"], 2)
    assert lic.versions.get(version=2).change == "services_cancelled"
    c2 = services.cancellation_file(
        actor=enterprise_a,
        licence_number=lic.number,
        categories=["B11"],
        users_settled=True,
        users_statement="已处理",
        stop_on=dt.date.today() + dt.timedelta(days=90),
    )
    services.cancellation_withdraw(actor=enterprise_a, cancellation_id=c2.pk)
    with pytest.raises(Conflict):
        services.cancellation_confirm(actor=officer_bj, cancellation_id=c2.pk)


# --- 11.8 the register import -------------------------------------------------------------

HEADER = "number,uscc,categories,coverage,valid_from,valid_until\n"


def _csv(tmp_path, body: str):
    p = tmp_path / "licences.csv"
    p.write_text(HEADER + body, encoding="utf-8")
    return str(p)


def test_import_with_one_bad_row_imports_nothing_and_names_the_line(tmp_path, ent_a, capsys):
    u = ent_a.uscc
    path = _csv(
        tmp_path,
        f"京B1-20240007,{u},B11,11,2024-03-01,2029-02-28\n"
        f"京ICP备12345678号,{u},B25,11,2024-03-01,2029-02-28\n"
        f"京ICP证030173号,{u},B25,11,2022-01-10,2027-01-09\n",
    )
    with pytest.raises(CommandError):
        call_command("import_licences", path)
    assert "line 3:" in capsys.readouterr().err
    assert not Licence.objects.exists()
    call_command("import_licences", path, "--skip-bad")
    assert set(Licence.objects.values_list("number", flat=True)) == {"京B1-20240007", "京ICP证030173号"}
    lic = Licence.objects.get(number="京ICP证030173号")
    assert lic.imported and lic.issuer_id == "11" and lic.versions.get().change == "imported"
    # Idempotent: the same file again imports nothing new.
    call_command("import_licences", path, "--skip-bad")
    assert Licence.objects.count() == 2
    # The sequence moved past the imported number.
    assert NumberSequence.objects.get(issuer="11", year=2024).last == 7


def test_import_refuses_numbers_that_contradict_the_row(tmp_path, ent_a):
    u = ent_a.uscc
    rows = [
        (
            2,
            {
                "number": "粤B1-20240001",
                "uscc": u,
                "categories": "B11",
                "coverage": "11",
                "valid_from": "2024-01-01",
                "valid_until": "2029-01-01",
            },
        ),
        (
            3,
            {
                "number": "京B2-20240001",
                "uscc": u,
                "categories": "B11",
                "coverage": "11",
                "valid_from": "2024-01-01",
                "valid_until": "2029-01-01",
            },
        ),
        (
            4,
            {
                "number": "京B1-20240002",
                "uscc": new_uscc("110105"),
                "categories": "B11",
                "coverage": "11",
                "valid_from": "2024-01-01",
                "valid_until": "2029-01-01",
            },
        ),
        (
            5,
            {
                "number": "京B1-20240003",
                "uscc": u,
                "categories": "B11",
                "coverage": "11",
                "valid_from": "2024-01-01",
                "valid_until": "2023-01-01",
            },
        ),
    ]
    report = services.licence_import_rows(actor="test", rows=rows)
    assert [line for line, _msg in report.errors] == [2, 3, 4, 5]
    assert not Licence.objects.exists()


def test_allocation_skips_imported_numbers_and_refuses_past_9999(enterprise_a, officer_bj):
    from licensing.services.licences import allocate_number

    with at(2026, 6, 1):
        services.licence_import_rows(
            actor="test",
            rows=[
                (
                    2,
                    {
                        "number": "京B1-20260002",
                        "uscc": enterprise_a.enterprise.uscc,
                        "categories": "B11",
                        "coverage": "11",
                        "valid_from": "2026-01-05",
                        "valid_until": "2031-01-04",
                    },
                )
            ],
        )
        NumberSequence.objects.filter(issuer="11", year=2026).update(last=0)  # as if the sequence lagged
        assert allocate_number(issuer="11", classes=["B1"], year=2026, foreign=False) == "京B1-20260001"
        assert allocate_number(issuer="11", classes=["B1"], year=2026, foreign=False) == "京B1-20260003"
        NumberSequence.objects.filter(issuer="11", year=2026).update(last=9999)
        with pytest.raises(Conflict):
            allocate_number(issuer="11", classes=["B1"], year=2026, foreign=False)


# --- 11.9 annual reports public after the correction month --------------------------------

REPORT = {"operations": "o", "changes": "c", "service_quality": "q", "security_measures": "s"}


def test_annual_report_fields_appear_publicly_only_after_the_correction_month(api, enterprise_a, officer_bj):
    with at(2025, 3, 3):
        standard_issued(enterprise_a, officer_bj)
    with at(2026, 2, 1):
        services.annual_report_file(
            actor=enterprise_a,
            year=2025,
            registered_capital=Decimal("5000000"),
            ownership_type="民营",
            listing_status="未上市",
            branches=["上海分公司"],
            complaint_hotline="400-000-0000",
            complaint_count=3,
            complaint_reply_rate=Decimal("100"),
            revenue=Decimal("1000000"),
            publish_financials=False,
            **REPORT,
        )
    with at(2026, 4, 30):
        assert api(None).get("/api/v1/public/annual-reports/").json()["count"] == 0
    with at(2026, 5, 1):
        row = api(None).get("/api/v1/public/annual-reports/").json()["results"][0]
    must = ("registered_capital", "service_types", "ownership_type", "listing_status", "branches")
    assert all(k in row for k in (*must, "complaint_hotline", "complaint_count", "complaint_reply_rate"))
    assert row["service_types"] == ["B11"] and row["branches"] == ["上海分公司"]
    assert "revenue" not in row  # opt-in only


def test_officer_returns_a_report_and_the_enterprise_files_it_again(enterprise_a, officer_bj):
    with at(2025, 3, 3):
        standard_issued(enterprise_a, officer_bj)
    with at(2026, 2, 1):
        rep = services.annual_report_file(actor=enterprise_a, year=2025, **REPORT)
    with pytest.raises(ApplicationError):
        services.annual_report_return(actor=officer_bj, report_id=rep.pk, reasons=[])
    services.annual_report_return(actor=officer_bj, report_id=rep.pk, reasons=["缺少分支机构"])
    rep = services.annual_report_refile(
        actor=enterprise_a, report_id=rep.pk, **{**REPORT, "operations": "补正"}
    )
    services.annual_report_confirm(actor=officer_bj, report_id=rep.pk)
    steps = list(rep.events.values_list("from_status", "to_status"))
    assert steps == [("", "filed"), ("filed", "returned"), ("returned", "filed"), ("filed", "confirmed")]


# --- 11.11 policy literals are settings ---------------------------------------------------


def test_pilot_conditions_are_switches(settings, enterprise_a, django_capture_on_commit_callbacks):
    app = new_app(enterprise_a, categories=["B25"])
    assert services.path_for(app)[0] == "notify_commit"
    settings.TELEREG_NOTIFY_COMMIT_FTZ_ONLY = True  # Beijing was not a pilot zone
    assert services.path_for(app)[0] == "standard"
    settings.TELEREG_NOTIFY_COMMIT_FTZ_ONLY = False
    settings.TELEREG_NOTIFY_COMMIT_SAME_ADDRESS = True
    assert services.path_for(app)[0] == "standard"


# --- 11.12 materials, contacts, notifications ---------------------------------------------


def test_material_download_is_scoped_streamed_and_audited(api, enterprise_a, officer_bj, officer):
    app = new_app(enterprise_a)
    mat = services.material_add(actor=enterprise_a, application_id=app.pk, kind="licence", upload=pdf())
    assert api(officer).get(f"/api/v1/materials/{mat.pk}/download/").status_code == 404  # MIIT: not its case
    r = api(officer_bj).get(f"/api/v1/materials/{mat.pk}/download/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF-")
    assert (
        AuditEvent.objects.filter(action="licensing.material.downloaded", object_id=str(mat.pk)).count() == 1
    )
    assert api(enterprise_a).get(f"/api/v1/materials/{mat.pk}/download/").status_code == 200


def test_enterprise_updates_its_own_contacts_only(api, enterprise_a):
    r = api(enterprise_a).patch(
        "/api/v1/my-enterprise/contacts/", {"contact_phone": "010-12345678"}, format="json"
    )
    assert r.status_code == 200 and r.json()["contact_phone"] == "010-12345678"
    assert AuditEvent.objects.filter(action="enterprise.updated").exists()
    with pytest.raises(ApplicationError):
        services.enterprise_contacts_update(actor=enterprise_a, name="x")
    with pytest.raises(NotFound):
        services.enterprise_contacts_update(actor=None, contact_phone="1")


def test_parties_are_notified_in_app_and_by_email(
    api, enterprise_a, officer_bj, django_capture_on_commit_callbacks
):
    enterprise_a.email = "ent@example.com"
    enterprise_a.save()
    app = new_app(enterprise_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=enterprise_a, application_id=app.pk)
    assert api(officer_bj).get("/api/v1/notifications/").json()["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.application_accept(actor=officer_bj, application_id=app.pk)
    notes = api(enterprise_a).get("/api/v1/notifications/").json()
    assert notes["count"] == 1 and str(app.pk) in notes["results"][0]["subject"]
    assert [m.to for m in mail.outbox] == [["ent@example.com"]]
    nid = notes["results"][0]["id"]
    assert api(enterprise_a).post(f"/api/v1/notifications/{nid}/read/").json()["read_at"]
    assert api(officer_bj).post(f"/api/v1/notifications/{nid}/read/").status_code == 404


def test_unknown_enterprise_in_import_is_reported(tmp_path):
    EnterpriseFactory(uscc=new_uscc("110105"))
    report = services.licence_import_rows(
        actor="t",
        rows=[
            (
                2,
                {
                    "number": "京B1-20240001",
                    "uscc": "91110105MA00000000",
                    "categories": "B11",
                    "coverage": "11",
                    "valid_from": "2024-01-01",
                    "valid_until": "2029-01-01",
                },
            )
        ],
    )
    assert report.errors and report.errors[0][0] == 2


def test_public_lookup_of_an_imported_legacy_number(api, ent_a):
    services.licence_import_rows(
        actor="t",
        rows=[
            (
                2,
                {
                    "number": "京ICP证030173号",
                    "uscc": ent_a.uscc,
                    "categories": "B25",
                    "coverage": "11",
                    "valid_from": "2022-01-10",
                    "valid_until": "2027-01-09",
                },
            )
        ],
    )
    r = api(None).get(f"/api/v1/public/licences/{quote('京icp证030173号')}/")
    assert r.status_code == 200 and r.json()["number"] == "京ICP证030173号"


def test_the_listed_holder_is_notified(enterprise_a, officer_bj):
    from licensing.models import Notification

    _a, lic = standard_issued(enterprise_a, officer_bj)
    services.licence_revoke(actor=officer_bj, licence_id=lic.pk, reason="严重违法经营")
    notes = Notification.objects.filter(
        recipient=enterprise_a, object_type="credit.listentry", event="listed"
    )
    assert notes.count() == 1


def test_download_of_a_missing_file_is_404(api, enterprise_a, officer_bj):
    from django.core.files.storage import default_storage

    app = new_app(enterprise_a)
    mat = services.material_add(actor=enterprise_a, application_id=app.pk, kind="licence", upload=pdf())
    default_storage.delete(mat.file.name)
    assert api(officer_bj).get(f"/api/v1/materials/{mat.pk}/download/").status_code == 404


def test_unknown_cancellation_action_is_404(api, enterprise_a):
    r = api(enterprise_a).post("/api/v1/cancellations/0/0/", {}, format="json")
    assert r.status_code == 404 and r.json()["message"]
