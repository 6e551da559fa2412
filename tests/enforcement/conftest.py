"""Enforcement fixtures: a clock to move through the legal periods, case builders that walk
a case to a given state through the services, and a licence for revocation cases."""

import datetime as dt

import pytest
import time_machine

from enforcement import services
from enforcement.models import CaseStatus, Outcome, PenaltyKind
from licensing import services as licensing

SH = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)  # a Monday, a working day
PDF = b"%PDF-1.7\n% evidence\n"


@pytest.fixture
def clock():
    """A stopped clock at START; ``clock.shift(days=n)`` or ``clock.move_to(...)``."""
    traveller = time_machine.travel(START, tick=False)
    coords = traveller.start()
    yield coords
    traveller.stop()


@pytest.fixture
def licence_a(ent_a, clock):
    return licensing.licence_register_existing(
        actor="test", enterprise=ent_a, categories=["B11"], coverage=["11"], issued_on=dt.date(2025, 6, 1)
    )


def open_case(actor, enterprise, *, officers, authority="MIIT", licence=None, ref="", source_kind="manual"):
    return services.case_open(
        actor=actor,
        enterprise=enterprise,
        source_kind=source_kind,
        source_ref=ref,
        facts="未经许可擅自经营互联网数据中心业务",
        provisions="《电信条例》第七条",
        authority=authority,
        officers=officers,
        licence=licence,
    )


def notice(actor, case, kind=PenaltyKind.FINE, amount="30000"):
    return services.case_send_notice(
        actor=actor,
        case_id=case.pk,
        kind=kind,
        amount=amount if kind in ("fine", "confiscation") else None,
        text="拟处罚告知：事实、理由、依据；你单位有权陈述、申辩",
    )


def decide(actor, case, kind=PenaltyKind.FINE, amount="30000", outcome=Outcome.PENALTY, **kw):
    if outcome == Outcome.NO_PENALTY:
        kind, amount = "", None
    elif kind not in ("fine", "confiscation"):
        amount = None
    if kind == PenaltyKind.SUSPENSION:
        kw.setdefault("suspension_days", 30)
    return services.decision_make(
        actor=actor,
        case_id=case.pk,
        outcome=outcome,
        kind=kind,
        amount=amount,
        title="未经许可经营电信业务案",
        reasons="经查，当事人未取得经营许可擅自经营",
        legal_basis="《中华人民共和国电信条例》第六十九条",
        **kw,
    )


def past_reply_window(clock, case):
    case.refresh_from_db()
    clock.move_to(dt.datetime.combine(case.reply_due_on + dt.timedelta(days=1), dt.time(10), tzinfo=SH))


@pytest.fixture
def walk(clock, supervisor, inspector):
    """walk(enterprise, to=CaseStatus..., kind=..., amount=..., licence=...) → the case in
    that state (national handling: MIIT supervisor, officers supervisor + inspector)."""

    def make(enterprise, to, kind=PenaltyKind.FINE, amount="30000", licence=None, actor=None, officers=None):
        actor = actor or supervisor
        case = open_case(actor, enterprise, officers=officers or [supervisor, inspector], licence=licence)
        if to == CaseStatus.OPENED:
            return case
        if to == CaseStatus.WITHDRAWN:
            return services.case_withdraw(actor=actor, case_id=case.pk, reason="无违法事实")
        services.case_investigate(actor=actor, case_id=case.pk)
        if to == CaseStatus.INVESTIGATING:
            return case.__class__.objects.get(pk=case.pk)
        notice(actor, case, kind, amount)
        if to == CaseStatus.NOTICE_SENT:
            return case.__class__.objects.get(pk=case.pk)
        if to in (CaseStatus.HEARING_REQUESTED, CaseStatus.HEARING_SCHEDULED, CaseStatus.HEARING_HELD):
            from regulator.models import Role
            from tests.factories import UserFactory

            party = UserFactory(role=Role.ENTERPRISE, enterprise=enterprise)
            services.case_request_hearing(actor=party, case_id=case.pk)
            if to == CaseStatus.HEARING_REQUESTED:
                return case.__class__.objects.get(pk=case.pk)
            chair = UserFactory(role=Role.SUPERVISOR)
            services.case_schedule_hearing(
                actor=actor,
                case_id=case.pk,
                hearing_on=dt.date(2026, 3, 20),
                place="工信部听证室",
                chair_id=chair.pk,
            )
            if to == CaseStatus.HEARING_SCHEDULED:
                return case.__class__.objects.get(pk=case.pk)
            clock.move_to(dt.datetime(2026, 3, 20, 10, tzinfo=SH))
            return services.case_hold_hearing(actor=actor, case_id=case.pk, record="听证笔录")
        past_reply_window(clock, case)
        dec = decide(actor, case, kind, amount)
        if to == CaseStatus.DECIDED:
            return case.__class__.objects.get(pk=case.pk)
        dec = services.decision_deliver(actor=actor, decision_id=dec.pk)
        services.effects_run_pending()
        if to == CaseStatus.PERFORMED:
            services.decision_perform(actor=actor, decision_id=dec.pk, note="罚款已缴清")
            return case.__class__.objects.get(pk=case.pk)
        if to == CaseStatus.ENFORCEMENT:
            clock.shift(dt.timedelta(days=20))
            services.sweep_unperformed()
            return services.case_apply_enforcement(actor=actor, case_id=case.pk, reason="逾期不缴纳罚款")
        if to == CaseStatus.CLOSED:
            services.decision_perform(actor=actor, decision_id=dec.pk, note="罚款已缴清")
            return services.case_close(actor=actor, case_id=case.pk, reason="执行完毕")
        raise AssertionError(to)

    return make
