"""Issue 11: renewal that keeps a licence in force, 撤销 vs 吊销, 双公示 decisions, licence
events, the e-licence's holder facts, and licence numbers as people type them."""

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine

from config.api import ApplicationError, Conflict
from credit import selectors as credit_selectors
from licensing import services
from licensing.models import LicenceEvent, LicensingDecision
from licensing.services.licences import ALLOWED as LICENCE_ALLOWED
from regulator.models import AuditEvent
from tests.licensing.conftest import new_app, standard_issued

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y, m, d):
    return time_machine.travel(dt.datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


def _issued_2021(enterprise_a, officer_bj):
    with at(2021, 6, 1):
        return standard_issued(enterprise_a, officer_bj)[1]  # valid until 2026-05-31


# --- 11.1 renewal -------------------------------------------------------------------------


def test_renewal_submitted_20_days_before_expiry_is_refused(api, enterprise_a, officer_bj):
    lic = _issued_2021(enterprise_a, officer_bj)
    with at(2026, 2, 1):  # in time for the draft
        r = api(enterprise_a).post(
            "/api/v1/applications/",
            {
                "categories": ["B11"],
                "coverage": ["11"],
                "registered_capital": "5000000",
                "staff_count": 10,
                "premises": "p",
                "security_measures": "s",
                "renew_licence_number": lic.number,
            },
            format="json",
        )
        assert r.status_code == 201, r.json()
    with at(2026, 5, 11):  # 20 days before expiry: past the 90-day lead time
        r = api(enterprise_a).post(f"/api/v1/applications/{r.json()['id']}/submit/", {}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "renewal_too_late"
    lic.refresh_from_db()
    assert lic.status != "renewal_pending"


def test_renewal_in_time_keeps_the_licence_in_force_past_its_old_expiry(api, enterprise_a, officer_bj):
    lic = _issued_2021(enterprise_a, officer_bj)
    with at(2026, 2, 1):
        app = services.application_create(
            actor=enterprise_a,
            categories=["B11"],
            coverage=["11"],
            registered_capital=5_000_000,
            staff_count=10,
            premises="p",
            security_measures="s",
            renew_licence_number=lic.number,
        )
        services.application_submit(actor=enterprise_a, application_id=app.pk)
        lic.refresh_from_db()
        assert lic.status == "renewal_pending"
        kinds = set(app.deadlines.values_list("kind", flat=True))
        assert {"correction", "renewal_acceptance"} <= kinds
        services.application_accept(actor=officer_bj, application_id=app.pk)
        dec = app.deadlines.get(kind="renewal_decision")
        assert (dec.amount, dec.unit) == (60, "calendar")
    doc = lic.versions.get(version=1)
    with at(2026, 6, 10):  # the old expiry date (05-31) has passed; the office took its time
        assert services.licence_status_sweep() == {"expiring": 0, "expired": 0}
        lic.refresh_from_db()
        assert lic.status == "renewal_pending"
        pub = api(None).get(f"/api/v1/public/licences/{quote(lic.number)}/").json()
        assert pub["status"] == "renewal_pending"
        v = services.licence_verify(document=doc.document, signature=doc.signature)
        assert v["verdict"] == "valid"  # in force throughout
        services.application_start_review(actor=officer_bj, application_id=app.pk)
        services.application_approve(actor=officer_bj, application_id=app.pk, reason="ok")
        services.application_issue(actor=officer_bj, application_id=app.pk)
    lic.refresh_from_db()
    assert lic.status == "valid" and lic.valid_until == dt.date(2031, 5, 31)
    assert LicensingDecision.objects.filter(licence=lic, kind="renewal").count() == 1
    steps = list(lic.events.values_list("from_status", "to_status"))
    assert ("valid", "renewal_pending") in steps and ("renewal_pending", "valid") in steps


def test_refused_renewal_lets_the_licence_expire(enterprise_a, officer_bj):
    lic = _issued_2021(enterprise_a, officer_bj)
    with at(2026, 2, 1):
        app = services.application_create(
            actor=enterprise_a,
            categories=["B11"],
            coverage=["11"],
            registered_capital=5_000_000,
            staff_count=10,
            premises="p",
            security_measures="s",
            renew_licence_number=lic.number,
        )
        services.application_submit(actor=enterprise_a, application_id=app.pk)
        services.application_accept(actor=officer_bj, application_id=app.pk)
        services.application_start_review(actor=officer_bj, application_id=app.pk)
    with at(2026, 6, 10):
        services.application_reject(actor=officer_bj, application_id=app.pk, reason="未实际开展业务")
    lic.refresh_from_db()
    assert lic.status == "expired"


# --- 11.3 撤销 vs 吊销 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "kind"),
    [("revoke", "revoked", "revocation"), ("withdraw", "withdrawn", "withdrawal")],
)
def test_withdrawn_and_revoked_are_told_apart_and_both_list_the_holder(
    api, enterprise_a, officer_bj, action, status, kind
):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    r = api(officer_bj).post(
        f"/api/v1/licences/{quote(lic.number)}/{action}/",
        {
            "reason": "以欺骗手段取得许可" if action == "withdraw" else "严重违法经营",
            "legal_basis": "《电信条例》",
        },
        format="json",
    )
    assert r.status_code == 200, r.json()
    lic.refresh_from_db()
    assert (lic.status, lic.status_legal_basis) == (status, "《电信条例》")
    ev = lic.events.last()
    assert (ev.from_status, ev.to_status, ev.legal_basis) == ("valid", status, "《电信条例》")
    assert lic.versions.order_by("-version").first().document["status"] == status
    assert credit_selectors.restrictions_for(enterprise_a.enterprise).on_dishonest_list
    assert LicensingDecision.objects.get(licence=lic, kind=kind).authority_id == "11"
    # Both are terminal: nothing moves them again.
    assert LICENCE_ALLOWED[status] == set()
    for other in ("revoke", "withdraw", "suspend", "reinstate", "cancel"):
        again = api(officer_bj).post(
            f"/api/v1/licences/{quote(lic.number)}/{other}/", {"reason": "r"}, format="json"
        )
        assert again.status_code == 409, other


def test_licence_revoke_keeps_the_enforcement_signature(enterprise_a, officer_bj):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    services.licence_revoke(
        actor=officer_bj, licence_id=lic.pk, reason="r", legal_basis="b", source_ref="penalty:42"
    )
    assert LicenceEvent.objects.get(licence=lic, to_status="revoked").source_ref == "penalty:42"
    # Idempotent by source_ref in credit; a second revoke is a 409 here.
    with pytest.raises(Conflict):
        services.licence_revoke(actor=officer_bj, licence_id=lic.pk, reason="r", source_ref="penalty:42")


# --- every licence status change is an event row with its audit row ---------------------


def test_each_licence_edge_writes_an_event_and_an_audit_row(enterprise_a, officer_bj):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    services.licence_suspend(actor=officer_bj, licence_id=lic.pk, reason="r")
    services.licence_reinstate(actor=officer_bj, licence_id=lic.pk, reason="r")
    services.licence_cancel(actor=officer_bj, licence_id=lic.pk, reason="r")
    steps = list(lic.events.values_list("from_status", "to_status"))
    assert steps == [("", "valid"), ("valid", "suspended"), ("suspended", "valid"), ("valid", "cancelled")]
    for to in ("suspended", "valid", "cancelled"):
        assert AuditEvent.objects.filter(action=f"licensing.licence.{to}", object_id=str(lic.pk)).exists()


def test_every_disallowed_licence_edge_is_a_409(enterprise_a, officer_bj):
    from licensing.models import Licence, LicenceStatus

    _app, lic = standard_issued(enterprise_a, officer_bj)
    for src, allowed in LICENCE_ALLOWED.items():
        for to in set(LicenceStatus.values) - allowed - {src}:
            Licence.objects.filter(pk=lic.pk).update(status=src)
            with pytest.raises(Conflict):
                services.licence_transition(licence_id=lic.pk, to=to, actor=officer_bj, reason="r")


# --- 11.10 双公示 ---------------------------------------------------------------------------


def test_decisions_are_published_within_the_deadline_and_late_ones_flagged(
    api, enterprise_a, officer_bj, settings
):
    settings.TELEREG_DECISION_AUTO_PUBLISH = False
    with at(2026, 9, 30):
        _app, lic = standard_issued(enterprise_a, officer_bj)
    dec = LicensingDecision.objects.get(licence=lic)
    # 7 working days across National Day 2026: 10-08, 09, 10 (make-up Saturday), 12, 13, 14, 15.
    assert dec.publish_due == dt.date(2026, 10, 15)
    assert dec.kind == "grant" and dec.document_number.startswith("京通许〔2026〕")
    assert api(None).get("/api/v1/public/licensing-decisions/").json()["count"] == 0  # unpublished
    with at(2026, 10, 15):
        assert services.decision_late_sweep() == 0
    with at(2026, 10, 16):
        assert services.decision_late_sweep() == 1
        assert services.decision_late_sweep() == 0
    settings.TELEREG_DECISION_AUTO_PUBLISH = True
    assert services.decision_publish_sweep() == 1
    body = api(None).get("/api/v1/public/licensing-decisions/", {"uscc": enterprise_a.enterprise.uscc}).json()
    row = body["results"][0]
    assert (
        row["document_number"] == dec.document_number and row["holder_uscc"] == enterprise_a.enterprise.uscc
    )
    assert row["authority"] == "11" and row["item"] == "增值电信业务经营许可" and lic.number in row["content"]
    assert enterprise_a.enterprise.legal_representative not in str(row)
    csv = api(None).get("/api/v1/public/licensing-decisions/?format=csv")
    text = b"".join(csv.streaming_content).decode()
    assert dec.document_number in text and "document_number" in text
    assert api(None).get("/api/v1/public/licensing-decisions/", {"kind": "nope"}).status_code == 400


def test_csv_cells_are_formula_safe(api, officer_bj):
    from tests.factories import EnterpriseFactory, UserFactory, new_uscc

    ent = EnterpriseFactory(name="=HYPERLINK(1)", uscc=new_uscc("110105"))
    user = UserFactory(role="enterprise", enterprise=ent)
    standard_issued(user, officer_bj)
    services.decision_publish_sweep()
    text = b"".join(
        api(None).get("/api/v1/public/licensing-decisions/?format=csv").streaming_content
    ).decode()
    assert "'=HYPERLINK(1)" in text and "''=" not in text


# --- issue 9.9: the e-licence carries registered facts, not a person's name -------------


def test_e_licence_document_has_registered_facts_only(enterprise_a, officer_bj):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    doc = lic.versions.get().document
    ent = enterprise_a.enterprise
    assert doc["format"] == "telereg.e-licence/2"
    assert doc["holder"] == {"name": ent.name, "uscc": ent.uscc, "registered_address": ent.registered_address}
    assert ent.legal_representative not in str(doc)
    assert doc["issuer"]["code"] == "11"


# --- issue 9.10: licence numbers as people type them --------------------------------------


def test_licence_numbers_are_normalised_before_lookup(api, enterprise_a, officer_bj):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    typed = " " + lic.number.lower().replace("-", "－").replace("B", "Ｂ") + " "
    r = api(None).get(f"/api/v1/public/licences/{quote(typed)}/")
    assert r.status_code == 200 and r.json()["number"] == lic.number
    r = api(None).get(f"/api/v1/public/licences/{quote('京ICP备12345678号')}/")
    assert r.status_code == 400 and "number" in r.json()["errors"]


# --- 11.5 issuing authority explicit ------------------------------------------------------


def test_issuer_is_an_authority_row(enterprise_a):
    from regulator.models import Authority

    app = new_app(enterprise_a)
    assert isinstance(app.issuer, Authority) and app.issuer.pk == "11"


def test_individual_business_prefixes_are_a_setting(settings, enterprise_a):
    settings.TELEREG_INDIVIDUAL_BUSINESS_PREFIXES = [enterprise_a.enterprise.uscc[:2]]
    with pytest.raises(ApplicationError):
        new_app(enterprise_a)


# --- issue 8 point 4: capital thresholds change only through an audited service --------


def test_capital_thresholds_change_through_the_audited_service_only(officer, rf):
    from django.contrib.admin.sites import site

    from licensing.models import ServiceCategory

    cat = services.category_thresholds_update(
        actor=officer, code="B11", min_capital_one_province=2_000_000, reason="调整门槛"
    )
    assert cat.min_capital_one_province == 2_000_000
    ev = AuditEvent.objects.get(action="licensing.catalogue.thresholds_updated", object_id=str(cat.pk))
    assert ev.reason == "调整门槛"
    with pytest.raises(ApplicationError):
        services.category_thresholds_update(actor=officer, code="B11", min_capital_one_province=1)
    model_admin = site._registry[ServiceCategory]
    request = rf.get("/admin/")
    request.user = officer
    assert not model_admin.has_change_permission(request, cat) and not model_admin.has_add_permission(request)


# --- every allowed and disallowed edge of the annual-report and cancellation machines ---


def _report(enterprise_a, officer_bj):
    with at(2025, 3, 3):
        standard_issued(enterprise_a, officer_bj)
    with at(2026, 2, 1):
        return services.annual_report_file(
            actor=enterprise_a,
            year=2025,
            operations="o",
            changes="c",
            service_quality="q",
            security_measures="s",
        )


def test_annual_report_edges(enterprise_a, officer_bj):
    from licensing.models import AnnualReport, AnnualReportEvent, AnnualReportStatus
    from licensing.services.annual_reports import ALLOWED

    rep = _report(enterprise_a, officer_bj)
    for src, allowed in ALLOWED.items():
        for to in AnnualReportStatus.values:
            AnnualReport.objects.filter(pk=rep.pk).update(status=src)
            before = AnnualReportEvent.objects.count()
            if to in allowed:
                services.annual_report_transition(report_id=rep.pk, to=to, actor=officer_bj, reason="r")
                ev = AnnualReportEvent.objects.latest("id")
                assert (ev.from_status, ev.to_status) == (src, to)
                assert AuditEvent.objects.filter(
                    action=f"licensing.annual_report.{to}", object_id=str(rep.pk)
                ).exists()
            else:
                with pytest.raises(Conflict):
                    services.annual_report_transition(report_id=rep.pk, to=to, actor=officer_bj, reason="r")
                assert AnnualReportEvent.objects.count() == before


def test_cancellation_edges(enterprise_a, officer_bj):
    from licensing.models import Cancellation, CancellationEvent, CancellationStatus
    from licensing.services.changes import ALLOWED

    _a, lic = standard_issued(enterprise_a, officer_bj)
    c = services.cancellation_file(
        actor=enterprise_a,
        licence_number=lic.number,
        categories=lic.categories,
        users_settled=True,
        users_statement="已处理",
        stop_on=dt.date.today() + dt.timedelta(days=90),
    )
    for src, allowed in ALLOWED.items():
        for to in CancellationStatus.values:
            Cancellation.objects.filter(pk=c.pk).update(status=src)
            if to in allowed:
                services.cancellation_transition(cancellation_id=c.pk, to=to, actor=officer_bj, reason="r")
                ev = CancellationEvent.objects.latest("id")
                assert (ev.from_status, ev.to_status) == (src, to)
                assert AuditEvent.objects.filter(
                    action=f"licensing.cancellation.{to}", object_id=str(c.pk)
                ).exists()
            else:
                with pytest.raises(Conflict):
                    services.cancellation_transition(
                        cancellation_id=c.pk, to=to, actor=officer_bj, reason="r"
                    )


def test_only_officers_decide_and_only_the_holder_withdraws(enterprise_a, officer_bj):
    from config.api import Forbidden

    rep = _report(enterprise_a, officer_bj)
    with pytest.raises(Forbidden):
        services.annual_report_confirm(actor=enterprise_a, report_id=rep.pk)
    with pytest.raises(Forbidden):
        services.annual_report_return(actor=enterprise_a, report_id=rep.pk, reasons=["x"])
