"""Inspection demo data: the published list of items, a roster of MIIT inspectors with a
declared conflict, a drawn campaign whose results are published in several strata (one
recusal on the way), and a second campaign whose frame is frozen and waits for its seed.
Idempotent: the campaign codes mark a completed load."""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from inspections import services
from inspections.models import Campaign, Inspection, InspectionItem, InspectionStatus, Inspector
from licensing.selectors import live_licence_holders
from regulator.models import Role, User

DRAWN = "MIIT-2026-SJ-01"
FROZEN = "MIIT-2026-SJ-02"
AUTHORITY = "MIIT"
ITEMS = [
    (
        "SJ-ANNUAL",
        "年报信息与经营情况核查",
        "《电信业务经营许可管理办法》第三十六条",
        "核查年度报告数据的真实性、经营情况与许可条件的持续符合情况",
        "written",
    ),
    (
        "SJ-SITE",
        "经营场所与网络设施现场检查",
        "《电信业务经营许可管理办法》第三十六条；《电信条例》第五十八条",
        "核实注册及经营地址、机房设施与许可申请材料是否一致",
        "on_site",
    ),
    (
        "SJ-NETSEC",
        "网络与信息安全保障措施检查",
        "《网络安全法》第二十一条；《电信业务经营许可管理办法》第三十六条",
        "通过网络监测核查日志留存、安全责任制落实情况",
        "network",
    ),
]
EXTRA_INSPECTORS = 6
# Public inputs of the demo ceremony: 20 dice digits read out, and a beacon round named in
# advance (ANCHORS.md §1: drand), here only as text.
SEED_INPUTS = ["48213905771634025598", "drand:quicknet:round-12345678"]


def _supervisor() -> User:
    sup = (
        User.objects.filter(role=Role.SUPERVISOR, authority_id=AUTHORITY, is_superuser=False)
        .order_by("pk")
        .first()
    )
    return sup or User.objects.create(
        username="demo-supervisor", role=Role.SUPERVISOR, authority_id=AUTHORITY, password=make_password(None)
    )


def _roster(sup: User) -> list[Inspector]:
    users = list(
        User.objects.filter(role=Role.INSPECTOR, authority_id=AUTHORITY).exclude(badge="").order_by("pk")
    )
    for n in range(EXTRA_INSPECTORS):
        username = f"demo-inspector-{n + 3}"
        user = User.objects.filter(username=username).first() or User.objects.create(
            username=username,
            role=Role.INSPECTOR,
            authority_id=AUTHORITY,
            badge=f"MIIT-INS-{n + 3:03d}",
            password=make_password(None),  # a roster member without a demo login
        )
        users.append(user)
    out = []
    for user in users:
        ins = Inspector.objects.filter(user=user).first() or services.inspector_create(
            actor=sup, user_id=user.pk, specialties=["网络安全"] if user.pk % 2 else ["经营许可"]
        )
        out.append(ins)
    return out


def _team(ins: Inspection) -> list[User]:
    return [a.inspector.user for a in ins.assignments.filter(recused=False).select_related("inspector__user")]


def _work(draw) -> dict[str, int]:
    """Publish the results of most inspections, keep two open for the demo inspector."""
    counts: dict[str, int] = {}
    today = timezone.localdate()
    outcomes = ["ok", "ok", "fixed", "violation", "ok", "not_at_address", "ok"]
    open_kept = 0
    recused = False
    # Walk the draw's inspections through the same services a team would use.
    for n, ins in enumerate(Inspection.objects.filter(draw=draw).order_by("id")):
        team = _team(ins)
        if not recused and len(team) >= 2:
            # One recusal: an inspector declares a former employment with the target.
            services.inspection_recuse(actor=team[0], inspection=ins, badge="", reason="三年内曾在该企业任职")
            recused = True
            team = _team(ins)
        if len(team) < 2:
            continue
        logins = {"inspector", "inspector2"}
        if open_kept < 2 and any(u.username in logins for u in team):
            open_kept += 1
            if open_kept == 2:
                services.inspection_start(actor=team[0], inspection=ins)
            continue
        outcome = outcomes[n % len(outcomes)]
        kw: dict = {}
        if outcome == "violation":
            kw = {"facts": "未按规定留存网络日志不少于六个月", "severity": "serious", "items": ["SJ-NETSEC"]}
        elif outcome == "not_at_address":
            kw = {"facts": "注册地址无该企业办公场所，电话无法联系"}
        elif outcome == "fixed":
            kw = {"facts": "网站未公示许可证编号，现场已整改"}
        services.inspection_start(actor=team[0], inspection=ins)
        services.inspection_record(actor=team[0], inspection=ins, outcome=outcome, inspected_on=today, **kw)
        for user in team[1:]:
            services.inspection_confirm(actor=user, inspection=ins)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def load() -> str:
    if Campaign.objects.filter(code=FROZEN).exists():
        return "already loaded"
    # The target roster comes from the licensing demo; without it there is nothing to draw.
    if not live_licence_holders(issuer=AUTHORITY).exists():
        return "no MIIT licensees (licensing demo missing); nothing loaded"
    today = timezone.localdate()
    with transaction.atomic():
        sup = _supervisor()
        for code, title, basis, content, method in ITEMS:
            if not InspectionItem.objects.filter(code=code).exists():
                services.item_create(
                    actor=sup, code=code, title=title, legal_basis=basis, content=content, method=method
                )
        roster = _roster(sup)
        holders = list(live_licence_holders(issuer=AUTHORITY).order_by("uscc")[:3])
        # inspector2 holds shares in one licensee: a declared conflict (§3 recusal trigger).
        services.conflict_declare(
            actor=sup, inspector=roster[1], enterprise=holders[0], kind="stake", note="持有该企业股份"
        )
        camp = services.campaign_create(
            actor=sup,
            code=DRAWN,
            title="2026年电信业务经营者第一批“双随机、一公开”抽查",
            legal_basis="国办发〔2015〕58号；《电信业务经营许可管理办法》第三十六条",
            items=[c for c, *_r in ITEMS],
            season_start=dt.date(today.year, 5, 1),
            season_end=dt.date(today.year, 9, 30),
            # A focused campaign: half the base strata so the demo shows several results.
            base_rate="0.5",
        )
        services.campaign_freeze(actor=sup, campaign_id=camp.pk)
        draw = services.campaign_draw(actor=sup, campaign_id=camp.pk, seed_inputs=SEED_INPUTS)
        counts = _work(draw)
        second = services.campaign_create(
            actor=sup,
            code=FROZEN,
            title="2026年电信业务经营者第二批“双随机、一公开”抽查",
            legal_basis="国办发〔2015〕58号；《电信业务经营许可管理办法》第三十六条",
            items=["SJ-ANNUAL", "SJ-SITE"],
            season_start=dt.date(today.year, 5, 1),
            season_end=dt.date(today.year, 9, 30),
        )
        services.campaign_freeze(actor=sup, campaign_id=second.pk)
    published = Inspection.objects.filter(draw=draw, status=InspectionStatus.PUBLISHED).count()
    return (
        f"draw {draw.pk}: {Inspection.objects.filter(draw=draw).count()} inspections, {published} published "
        f"({counts}); a frozen frame waits for its seed"
    )
