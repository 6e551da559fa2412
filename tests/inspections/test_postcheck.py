"""Post-issuance inspections of notify-and-commit licences (§1.3, §3 [D]): every due
post-check is a target outside the random draw (rate 1), inspectors are dealt by the same
verifiable assignment, and the published result completes licensing's post-check."""

import pytest
from django.utils import timezone

from inspections import services
from inspections.management.commands.verify_draw import load_tool, local_documents
from inspections.models import Inspection
from licensing.models import PostCheck
from regulator.models import Role, User
from tests.factories import UserFactory
from tests.inspections.conftest import roster
from tests.licensing.conftest import commit_issued, signing_keys  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db
BJ = "11"


@pytest.fixture
def bj_supervisor(db):
    return UserFactory(username="supervisor_bj", role=Role.SUPERVISOR, province=BJ)


@pytest.fixture
def committed(enterprise_a, django_capture_on_commit_callbacks):
    _app, lic = commit_issued(enterprise_a, django_capture_on_commit_callbacks)
    assert lic is not None and lic.issuer_id == BJ
    return lic


def run_postcheck_campaign(sup):
    item = services.item_create(
        actor=sup,
        code="PC-1",
        title="告知承诺事后核查",
        legal_basis="§1.3",
        content="核查承诺条件",
        method="on_site",
    )
    roster(sup, 3, authority=BJ, prefix="B")
    camp = services.campaign_create(
        actor=sup,
        code="PC-2026-1",
        title="告知承诺事后核查",
        kind="postcheck",
        legal_basis="告知承诺事后核查 §1.3",
        items=[item.code],
        season_start=timezone.localdate(),
        season_end=timezone.localdate(),
    )
    services.campaign_freeze(actor=sup, campaign_id=camp.pk)
    return services.campaign_draw(actor=sup, campaign_id=camp.pk, seed_inputs=["27182818284590452353"])


@pytest.mark.parametrize(
    ("outcome", "severity", "status"),
    [("ok", "", "passed"), ("violation", "minor", "rectifying"), ("violation", "grave", "revoked")],
)
def test_result_completes_the_postcheck(bj_supervisor, committed, outcome, severity, status):
    draw = run_postcheck_campaign(bj_supervisor)
    assert draw.strata == [{"name": "notify_commit", "rate": "1", "size": 1, "take": 1}]
    ins = Inspection.objects.get(draw=draw)
    pc = PostCheck.objects.get(licence=committed)
    assert ins.postchecks == [pc.pk] and ins.licence_numbers == [committed.number]
    team = [User.objects.get(inspector__badge=a.badge) for a in ins.assignments.order_by("seq")]
    services.inspection_start(actor=team[0], inspection=ins)
    kw = (
        {"facts": "承诺的机房条件不存在", "severity": severity, "items": ["PC-1"]}
        if outcome == "violation"
        else {}
    )
    services.inspection_record(
        actor=team[0], inspection=ins, outcome=outcome, inspected_on=timezone.localdate(), **kw
    )
    ins = services.inspection_confirm(actor=team[1], inspection=ins)
    pc.refresh_from_db()
    assert pc.status == status
    assert ins.effects["postchecks"] == [[pc.pk, status]]
    assert load_tool().verify(*local_documents(draw.pk)) == []


def test_a_postcheck_under_inspection_is_not_taken_twice(bj_supervisor, committed):
    run_postcheck_campaign(bj_supervisor)
    camp = services.campaign_create(
        actor=bj_supervisor,
        code="PC-2026-2",
        title="t",
        kind="postcheck",
        legal_basis="b",
        items=["PC-1"],
        season_start=timezone.localdate(),
        season_end=timezone.localdate(),
    )
    draw = services.campaign_freeze(actor=bj_supervisor, campaign_id=camp.pk)
    assert draw.strata[0]["size"] == 0 and draw.strata[0]["take"] == 0
