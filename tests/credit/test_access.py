"""Issue 8 in credit: every service and selector scopes by the actor, so a view, a task or
a command that forgets a check still cannot reach beyond the actor's authority."""

import datetime as dt

import pytest
from django.utils import timezone

from config.api import ApplicationError, Forbidden, NotFound
from credit import selectors, services
from credit.models import LedgerEntry, ListEntry, Sanction
from tests.conftest import PERSONAS, PROVINCIAL_PERSONAS
from tests.credit.conftest import at

pytestmark = pytest.mark.django_db

READERS = {"enterprise_a", "officer", "inspector", "supervisor", "handler", "auditor", *PROVINCIAL_PERSONAS}
LISTS = [
    "/api/v1/credit/rules/",
    "/api/v1/credit/ledger/",
    "/api/v1/credit/accounts/",
    "/api/v1/credit/list-entries/",
    "/api/v1/credit/objections/",
    "/api/v1/credit/repairs/",
    "/api/v1/credit/sanctions/",
    "/api/v1/credit/grades/",
]


@pytest.fixture
def both(ent_a, ent_b, supervisor, published):
    """One published entry, one ledger posting and one sanction in Beijing (ent_a) and in
    Guangdong (ent_b)."""
    until = timezone.localdate() + dt.timedelta(days=30)
    rows = {}
    for ent in (ent_a, ent_b):
        rows[ent.province] = {
            "entry": published(ent, source_ref=f"p:{ent.pk}"),
            "ledger": services.ledger_post(actor=supervisor, enterprise=ent, rule_code="BONUS_EXEMPLARY"),
            "sanction": services.sanction_impose(
                actor=supervisor, enterprise=ent, kind="renewal_ban", until=until, reason="r"
            ),
        }
    return rows


@pytest.mark.parametrize("persona", PERSONAS + PROVINCIAL_PERSONAS)
def test_list_access_and_scope(persona, as_persona, both, ent_a, ent_b):
    """Every list endpoint, per persona: who may read, and which rows each reader sees.
    Provincial staff (Guangdong) never see the Beijing enterprise; enterprise_a only itself."""
    _user, client = as_persona(persona)
    sees_a = persona not in PROVINCIAL_PERSONAS
    sees_b = persona != "enterprise_a"
    for url in LISTS:
        r = client.get(url)
        assert r.status_code == (200 if persona in READERS else 401 if persona == "anon" else 403), url
        if r.status_code != 200:
            continue
        results = r.json()["results"]
        ids = {row.get("id") for row in results}
        if url.endswith("accounts/"):
            usccs = {row["uscc"] for row in results}
            assert (ent_a.uscc in usccs, ent_b.uscc in usccs) == (sees_a, sees_b)
        for kind, suffix in (("entry", "list-entries/"), ("ledger", "ledger/"), ("sanction", "sanctions/")):
            if url.endswith(suffix):
                assert (both["11"][kind].pk in ids, both["44"][kind].pk in ids) == (sees_a, sees_b), url


def _calls(rows, ent, supervisor_gd):
    """Every staff write in credit, aimed at one enterprise's rows."""
    entry, ledger, sanction = rows["entry"], rows["ledger"], rows["sanction"]
    return {
        "ledger_post": lambda: services.ledger_post(
            actor=supervisor_gd, enterprise=ent, rule_code="BONUS_EXEMPLARY"
        ),
        "ledger_reverse": lambda: services.ledger_reverse(
            actor=supervisor_gd, entry_id=ledger.pk, reason="r"
        ),
        "withdraw": lambda: services.list_entry_withdraw(actor=supervisor_gd, entry_id=entry.pk, reason="r"),
        "notify": lambda: services.list_entry_notify(actor=supervisor_gd, entry_id=entry.pk),
        "publish": lambda: services.list_entry_publish(actor=supervisor_gd, entry_id=entry.pk),
        "remove": lambda: services.list_entry_remove(
            actor=supervisor_gd, entry_id=entry.pk, removal_reason="report_filed", reason="r"
        ),
        "sanction_impose": lambda: services.sanction_impose(
            actor=supervisor_gd,
            enterprise=ent,
            kind="licence_ban",
            until=timezone.localdate(),
            reason="r",
            authority="44",
        ),
        "sanction_lift": lambda: services.sanction_lift(
            actor=supervisor_gd, sanction_id=sanction.pk, reason="r"
        ),
        "withdraw_for_source": lambda: services.list_entry_withdraw_for_source(
            actor=supervisor_gd, source_ref=entry.source_ref, reason="r"
        ),
        "mark_fulfilled": lambda: services.list_entry_mark_fulfilled(
            actor=supervisor_gd, source_ref=entry.source_ref, fulfilled_on=timezone.localdate()
        ),
        "inspection_bonus": lambda: services.inspection_clean_bonus_post(
            actor=supervisor_gd, enterprise=ent, source_ref="insp-1"
        ),
    }


@pytest.mark.parametrize(
    "call",
    [
        "ledger_post",
        "ledger_reverse",
        "withdraw",
        "notify",
        "publish",
        "remove",
        "sanction_impose",
        "sanction_lift",
        "withdraw_for_source",
        "mark_fulfilled",
        "inspection_bonus",
    ],
)
def test_services_refuse_out_of_jurisdiction(call, both, ent_a, supervisor_gd):
    """The probe of issue 8: with no view in front, a Guangdong supervisor still cannot act
    on a Beijing enterprise; nothing is written."""
    ledger_before, sanctions_before = (
        LedgerEntry.objects.count(),
        Sanction.objects.filter(lifted_at__isnull=False).count(),
    )
    statuses = dict(ListEntry.objects.values_list("pk", "status"))
    with pytest.raises(NotFound):
        _calls(both["11"], ent_a, supervisor_gd)[call]()
    assert LedgerEntry.objects.count() == ledger_before
    assert Sanction.objects.filter(lifted_at__isnull=False).count() == sanctions_before
    assert dict(ListEntry.objects.values_list("pk", "status")) == statuses


def test_provincial_supervisor_acts_in_own_province(both, ent_b, supervisor_gd):
    out = services.list_entry_withdraw(
        actor=supervisor_gd, entry_id=both["44"]["entry"].pk, reason="复议撤销"
    )
    assert out.status == "removed"
    services.sanction_lift(
        actor=supervisor_gd, sanction_id=both["44"]["sanction"].pk, reason="basis set aside"
    )
    assert not selectors.active_sanctions(ent_b)


@pytest.mark.parametrize("persona", ["enterprise_a", "auditor", "auditor_gd"])
def test_readers_cannot_write_even_without_a_view(persona, request, both, ent_a):
    user = request.getfixturevalue(persona)
    with pytest.raises((Forbidden, NotFound)):
        services.ledger_post(actor=user, enterprise=ent_a, rule_code="BONUS_EXEMPLARY")
    with pytest.raises((Forbidden, NotFound)):
        services.list_entry_withdraw(actor=user, entry_id=both["11"]["entry"].pk, reason="r")
    assert (
        not LedgerEntry.objects.filter(enterprise=ent_a, rule__code="BONUS_EXEMPLARY")
        .exclude(pk=both["11"]["ledger"].pk)
        .exists()
    )


def test_anonymous_user_object_is_not_a_system_actor(both, ent_a):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        services.ledger_post(actor=AnonymousUser(), enterprise=ent_a, rule_code="BONUS_EXEMPLARY")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("list-entries/{entry}/withdraw/", {"reason": "r"}),
        ("list-entries/{entry}/notify/", {}),
        ("list-entries/{entry}/publish/", {}),
        ("list-entries/{entry}/remove/", {"removal_reason": "report_filed", "reason": "r"}),
        ("ledger/{ledger}/reverse/", {"reason": "r"}),
        ("sanctions/{sanction}/lift/", {"reason": "r"}),
    ],
)
def test_api_writes_out_of_jurisdiction_are_404(path, body, api, both, supervisor_gd):
    rows = both["11"]
    url = "/api/v1/credit/" + path.format(
        entry=rows["entry"].pk, ledger=rows["ledger"].pk, sanction=rows["sanction"].pk
    )
    assert api(supervisor_gd).post(url, body, format="json").status_code == 404


def test_objection_and_repair_decisions_are_scoped(
    ent_a, enterprise_a, supervisor, supervisor_gd, propose, published
):
    e = propose(ent_a, notify=True)
    obj = services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="g")
    with pytest.raises(NotFound):
        services.objection_decide(actor=supervisor_gd, objection_id=obj.pk, upheld=True, answer="a")
    assert obj.events.count() == 1
    p = published(ent_a, source_ref="rep")
    with __import__("time_machine").travel(at(p.published_on + dt.timedelta(days=100))):
        rep = services.repair_file(actor=enterprise_a, entry_id=p.pk, statement="s", commitment="c")
    with pytest.raises(NotFound):
        services.repair_accept(actor=supervisor_gd, repair_id=rep.pk, accepted=True)
    services.repair_accept(actor=supervisor, repair_id=rep.pk, accepted=True)
    with pytest.raises(NotFound):
        services.repair_decide(actor=supervisor_gd, repair_id=rep.pk, granted=True)


def test_enterprise_sees_only_its_own_sanctions(api, both, enterprise_a, ent_a):
    rows = api(enterprise_a).get("/api/v1/credit/sanctions/").json()["results"]
    assert [r["uscc"] for r in rows] == [ent_a.uscc]


def test_selectors_take_the_actor(both, ent_a, ent_b, supervisor_gd, enterprise_a):
    assert list(selectors.list_entry_list(actor=supervisor_gd).values_list("enterprise_id", flat=True)) == [
        ent_b.pk
    ]
    with pytest.raises(NotFound):
        selectors.account_breakdown(actor=supervisor_gd, code=ent_a.uscc)
    with pytest.raises(NotFound):
        selectors.restrictions_get(actor=enterprise_a, code=ent_b.uscc)
    assert selectors.rule_list(actor=None).count() == 0
    with pytest.raises(ApplicationError):
        services.ledger_post(actor=supervisor_gd, enterprise=ent_b, rule_code="DISHONEST_REVOKED")


WRITES = [
    ("events/", {}),
    ("list-entries/", {}),
    ("list-entries/{entry}/notify/", {}),
    ("list-entries/{entry}/delivery/", {}),
    ("list-entries/{entry}/publish/", {}),
    ("list-entries/{entry}/withdraw/", {}),
    ("list-entries/{entry}/remove/", {}),
    ("list-entries/fulfilment/", {}),
    ("ledger/{ledger}/reverse/", {}),
    ("sanctions/", {}),
    ("sanctions/{sanction}/lift/", {}),
    ("objections/1/decide/", {}),
    ("repairs/1/accept/", {}),
    ("repairs/1/decide/", {}),
    ("grades/1/decide/", {}),
    ("admonitions/1/done/", {}),
]


@pytest.mark.parametrize("persona", PERSONAS + PROVINCIAL_PERSONAS)
def test_write_endpoints_per_persona(persona, as_persona, request):
    """Only supervisors reach the service (which then checks jurisdiction and input: a 400,
    404 or 409 here, never 401/403); every other role is refused by the view."""
    _user, client = as_persona(persona)
    supervisor = persona in ("supervisor", "supervisor_gd")
    rows = (
        request.getfixturevalue("both")["11"]
        if supervisor
        else dict.fromkeys(("entry", "ledger", "sanction"), 1)
    )
    for path, body in WRITES:
        url = "/api/v1/credit/" + path.format(
            entry=getattr(rows["entry"], "pk", 1),
            ledger=getattr(rows["ledger"], "pk", 1),
            sanction=getattr(rows["sanction"], "pk", 1),
        )
        status = client.post(url, body, format="json").status_code
        if persona == "anon":
            assert status == 401, url
        elif supervisor:
            assert status in (400, 404, 409), url
        else:
            assert status == 403, url


@pytest.mark.parametrize("persona", PERSONAS + PROVINCIAL_PERSONAS)
def test_detail_endpoints_per_persona(persona, as_persona, both, ent_a, ent_b):
    """Account, restrictions and list-entry details: 200 within reach, 404 beyond it (the
    same answer as for a missing one), 401/403 for those who may not read at all."""
    _user, client = as_persona(persona)
    sees = {"11": persona not in PROVINCIAL_PERSONAS, "44": persona != "enterprise_a"}
    for prov, ent in (("11", ent_a), ("44", ent_b)):
        for url in (
            f"/api/v1/credit/accounts/{ent.uscc}/",
            f"/api/v1/credit/restrictions/{ent.uscc}/",
            f"/api/v1/credit/list-entries/{both[prov]['entry'].pk}/",
        ):
            status = client.get(url).status_code
            if persona == "anon":
                assert status == 401, url
            elif persona not in READERS:
                assert status == 403, url
            else:
                assert status == (200 if sees[prov] else 404), url
