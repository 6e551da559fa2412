"""Demo-like data for the public portal: enterprises with licences in force, suspended and
revoked, ledger history over several months, listed and removed entries on both lists."""

import datetime as dt
from urllib.parse import urlencode

import pytest
import time_machine
from django.utils import timezone

from credit import services as credit
from credit.models import Account, GradeRecord, GradeStatus, ListKind
from licensing import services as licensing
from tests.factories import EnterpriseFactory, new_uscc

ACTOR = "portal test loader"


@pytest.fixture
def portal(db):
    """A small register: returns a namespace of the objects the tests look at."""
    return build()


@pytest.fixture
def live_portal(transactional_db, live_server):
    """The same register, committed, behind a live server (browser tests)."""
    ns = build()
    ns.url = live_server.url
    return ns


def publish(ent, rule: str, reason: str, ref: str, days_ago: int):
    """A bad-list entry published the lawful way (§2.3): decided and notified ``days_ago``,
    published the day after its objection window, all in the past."""
    start = timezone.now() - dt.timedelta(days=days_ago)
    with time_machine.travel(start, tick=False):
        e = credit.list_entry_propose(
            actor=ACTOR,
            enterprise=ent,
            list_kind=ListKind.BAD,
            rule_code=rule,
            reason=reason,
            authority=ent.province,
            source_ref=ref,
            notify=True,
        )
    day = dt.datetime.combine(e.objection_due_on + dt.timedelta(days=1), dt.time(12), tzinfo=start.tzinfo)
    with time_machine.travel(day, tick=False):
        return credit.list_entry_publish(actor=ACTOR, entry_id=e.pk)


def penalise(ent, *, days_ago: int, amount: str, annul: bool = False):
    """A fine decided and delivered ``days_ago`` (hence published, §7) through enforcement's
    services, optionally annulled by a court afterwards."""
    from enforcement import services as enforcement
    from regulator.models import Role
    from tests.enforcement.conftest import decide, notice, open_case
    from tests.factories import UserFactory

    sup = UserFactory(role=Role.SUPERVISOR)
    insp = UserFactory(role=Role.INSPECTOR, badge=f"INS-P-{ent.pk}-{days_ago}")
    start = timezone.now() - dt.timedelta(days=days_ago)
    with time_machine.travel(start, tick=False):
        case = open_case(sup, ent, officers=[sup, insp])
        enforcement.case_investigate(actor=sup, case_id=case.pk)
        notice(sup, case, amount=amount)
    case.refresh_from_db()
    with time_machine.travel(
        dt.datetime.combine(case.reply_due_on + dt.timedelta(days=1), dt.time(10), tzinfo=start.tzinfo),
        tick=False,
    ):
        dec = decide(sup, case, amount=amount)
        dec = enforcement.decision_deliver(actor=sup, decision_id=dec.pk)
        if annul:
            dec = enforcement.decision_annul(
                actor=sup,
                decision_id=dec.pk,
                annulment_kind="court",
                reference="（2026）京01行终1号",
                reason="判决撤销",
            )
    return dec


def build():
    now = timezone.now()
    a = EnterpriseFactory(name="华信网络科技有限公司", uscc=new_uscc("110105"))
    b = EnterpriseFactory(name="蓝海信息技术有限公司", uscc=new_uscc("440305"))
    c = EnterpriseFactory(name="星河数据科技有限公司", uscc=new_uscc("310115"))
    for i, (rule, days) in enumerate(
        [("BONUS_ANNUAL_REPORT", 200), ("COMPLAINT_TIMELINESS", 120), ("BONUS_CLEAN_INSPECTION", 40)]
    ):
        credit.ledger_post(
            actor=ACTOR,
            enterprise=a,
            rule_code=rule,
            source_ref=f"t:{i}",
            effective_at=now - dt.timedelta(days=days),
        )
    GradeRecord.objects.create(
        enterprise=a,
        year=now.year - 1,
        score=105,
        grade="AA",
        status=GradeStatus.FIXED,
        computed_at=now - dt.timedelta(days=300),
        publicity_until=(now - dt.timedelta(days=280)).date(),
        fixed_on=(now - dt.timedelta(days=279)).date(),
        calendar_version="test",
    )
    lic_a = licensing.licence_register_existing(
        actor=ACTOR, enterprise=a, categories=["B11", "B25"], coverage=["11"], issued_on=dt.date(2024, 3, 1)
    )
    lic_b = licensing.licence_register_existing(
        actor=ACTOR, enterprise=b, categories=["B14"], coverage=["44"], issued_on=dt.date(2023, 6, 1)
    )
    licensing.licence_suspend(actor=ACTOR, licence_id=lic_b.pk, reason="整改期间暂停")
    listed = publish(a, "BAD_ANNUAL_REPORT", "未按期报送2025年度年报", "t:ar", days_ago=40)
    gone = publish(c, "BAD_ANNUAL_REPORT", "未按期报送2024年度年报", "t:ar-c", days_ago=90)
    credit.list_entry_remove_for_source(
        actor=ACTOR, enterprise=c, source_ref="t:ar-c", reason="年报已补报并经确认"
    )
    gone.refresh_from_db()
    fine = penalise(a, days_ago=80, amount="30000")
    annulled = penalise(b, days_ago=70, amount="50000", annul=True)
    lic_a.refresh_from_db()
    lic_b.refresh_from_db()

    class NS:
        def pages(self) -> list[str]:
            """Every public page of this register, for the overflow and timing checks."""
            return [path for _name, path in self.named_pages()] + [
                f"/public/enterprises/{self.b.uscc}/",
                f"/public/credit/{self.a.uscc}/",
                f"/public/licences/{self.lic_b.number}/",
            ]

        def named_pages(self) -> list[tuple[str, str]]:
            return [
                ("home", "/public/"),
                ("search", "/public/?q=网络"),
                ("enterprise", f"/public/enterprises/{self.a.uscc}/"),
                ("lists", "/public/lists/?status=all"),
                ("list-entry", f"/public/lists/{self.listed.pk}/"),
                ("list-entry-removed", f"/public/lists/{self.gone.pk}/"),
                ("licence-lookup", f"/public/licences/?number={self.lic_a.number}"),
                ("licence", f"/public/licences/{self.lic_a.number}/"),
                ("licence-print", f"/public/licences/{self.lic_a.number}/print/"),
                ("licence-check-suspended", self.check_path(self.lic_b)),
                ("licensing-decisions", "/public/licensing-decisions/"),
                ("penalties", "/public/penalties/"),
                ("penalty", f"/public/penalties/{self.fine.pk}/"),
                ("penalty-annulled", f"/public/penalties/{self.annulled.pk}/"),
                *(
                    [
                        ("draws", "/public/draws/"),
                        ("draw", f"/public/draws/{self.draw.pk}/"),
                        ("inspection-results", "/public/inspection-results/"),
                        ("complaint-stats", "/public/complaints/?period=2026-03"),
                        ("complaint-charts", "/public/complaints/charts/"),
                    ]
                    if hasattr(self, "draw")
                    else []
                ),
            ]

        english_shots = ("home", "enterprise", "licence", "lists", "penalties", "draw", "complaint-charts")

        @staticmethod
        def check_path(lic) -> str:
            """What the licence's QR code points at (licensing.pages.check_url)."""
            v = lic.versions.order_by("-version").first()
            query = urlencode({"n": lic.number, "v": v.version, "h": v.document_sha256, "s": v.signature})
            return "/public/licences/check/?" + query

    ns = NS()
    ns.score_a = Account.objects.get(pk=a.pk).score
    ns.a, ns.b, ns.c = a, b, c
    ns.lic_a, ns.lic_b = lic_a, lic_b
    ns.listed, ns.gone = listed, gone
    ns.fine, ns.annulled = fine, annulled
    return ns


from tests.complaints.conftest import make_complaint  # noqa: E402,F401  (fixture used by march)
from tests.complaints.test_metrics import march  # noqa: E402,F401  (fixture: a month with known answers)
from tests.portal.browser import browser, page  # noqa: E402,F401  (fixtures)


@pytest.fixture
def propose(db):
    def make(enterprise, **kw):
        kw.setdefault("reason", "行政处罚决定书 2026-001")
        return credit.list_entry_propose(
            actor=ACTOR,
            enterprise=enterprise,
            list_kind=ListKind.BAD,
            rule_code="BAD_PENALTY",
            authority="MIIT",
            notify=False,
            **kw,
        )

    return make


@pytest.fixture
def published_many(portal):
    """20 more published entries, so that lists page (20 a page) and sections page."""
    for i in range(20):
        ent = EnterpriseFactory(name=f"批量网络科技有限公司{i:02d}")
        publish(ent, "BAD_ANNUAL_REPORT", "未按期报送年报", f"t:many:{i}", days_ago=50)


def build_draw():
    """A published random draw (three MIIT licensees, four inspectors, teams of two) and one
    published result, through the inspections services."""
    from django.utils import timezone as tz

    from inspections import services as inspections
    from inspections.models import Inspection
    from regulator.models import Role, User
    from tests.factories import UserFactory
    from tests.inspections.conftest import drawn, licensed, roster

    sup = UserFactory(username="portal_sup", role=Role.SUPERVISOR)
    item = inspections.item_create(
        actor=sup,
        code="ITEM-ANNUAL",
        title="年报信息与经营情况检查",
        legal_basis="《电信业务经营许可管理办法》第三十六条",
        content="核查年报数据、经营情况与合规情况",
        method="written",
    )
    targets = licensed(3)
    roster(sup, 4)
    draw = drawn(sup, item)
    ins = Inspection.objects.filter(draw=draw).order_by("id").first()
    team = [User.objects.get(inspector__badge=a.badge) for a in ins.assignments.order_by("seq")]
    inspections.inspection_start(actor=team[0], inspection=ins)
    inspections.inspection_record(actor=team[0], inspection=ins, outcome="ok", inspected_on=tz.localdate())
    ins = inspections.inspection_confirm(actor=team[1], inspection=ins)
    return draw, ins, targets


@pytest.fixture
def draw_world(portal):
    portal.draw, portal.inspection, portal.targets = build_draw()
    return portal


@pytest.fixture
def live_draw_world(live_portal):
    live_portal.draw, live_portal.inspection, live_portal.targets = build_draw()
    return live_portal
