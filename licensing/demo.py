"""Licensing demo data (runs after the regulator's and credit's loaders): licences in every
status, applications in every state, post-checks due and overdue, annual reports filed,
late and missing. Idempotent: a second run finds the demo licences and adds nothing.

Historic licences and filings are entered with their original dates through the services
meant for importing them (``licence_register_existing``, ``annual_report_file(filed_at=)``);
everything current goes through the same services as the API.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from licensing import services
from licensing.models import (
    TERMINAL_APP_STATUSES,
    AnnualReportMissing,
    Application,
    AppStatus,
    Deadline,
    Licence,
    LicenceStatus,
    PostCheck,
)
from licensing.services.common import today
from regulator import demo as regulator_demo
from regulator import services as regulator_services
from regulator.models import Enterprise, Role, User

ACTOR = "demo loader"
VALUE_ADDED = ["B11", "B12", "B13", "B14", "B21", "B22", "B23", "B24", "B25", "B26"]
EXTRA_USERS = 8  # enterprise3 .. enterprise10 for demo enterprises 2..9
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _enterprises() -> list[Enterprise]:
    codes = [c for c, _p, _city in regulator_demo.demo_codes()]
    by_code = Enterprise.objects.in_bulk(codes, field_name="uscc")
    return [by_code[c] for c in codes if c in by_code]


def _user_for(index: int, ent: Enterprise) -> User:
    name = "enterprise" if index == 0 else f"enterprise{index + 1}"
    user = User.objects.filter(username=name).first()
    if user is None:
        user = regulator_services.user_create(
            actor=ACTOR,
            username=name,
            password=name + regulator_demo.DEMO_PASSWORD_SUFFIX,
            role=Role.ENTERPRISE,
            enterprise_uscc=ent.uscc,
        )
    return user


def _officer_for(code: str) -> User:
    """The demo licensing officer of authority ``code``: officers act only on what their
    own authority issues (§1.1), so each issuing authority in the demo gets one."""
    user = User.objects.filter(role=Role.OFFICER, authority_id=code).order_by("id").first()
    if user is None:
        name = f"officer_{code.lower()}"
        user = regulator_services.user_create(
            actor=ACTOR,
            username=name,
            password=name + regulator_demo.DEMO_PASSWORD_SUFFIX,
            role=Role.OFFICER,
            authority=code,
        )
    return user


def _officer() -> User:
    user = User.objects.filter(role=Role.OFFICER).order_by("id").first()
    if user is None:
        raise RuntimeError("the regulator demo loader must run first (no officer user)")
    return user


def _app(user, cats, *, multi=False):
    prov = user.enterprise.province
    cov = [prov, "31" if prov != "31" else "11"] if multi else [prov]
    return services.application_create(
        actor=user,
        categories=cats,
        coverage=cov,
        registered_capital=Decimal("50000000") if multi else Decimal("5000000"),
        staff_count=25,
        premises=f"{user.enterprise.registered_address} 机房及办公场所",
        security_measures="网络与信息安全责任制；日志留存六个月；应急预案；等级保护三级",
    )


def _commitment():
    st = services.statement_current()
    return {
        "signatory_name": "法定代表人",
        "signatory_title": "法定代表人",
        "statement_version": st.version,
        "accept": True,
    }


def _walk(user, officer, cats, to: str):
    """Take a new standard application as far as ``to``."""
    app = _app(user, cats)
    officer = _officer_for(app.issuer_id)
    if to == AppStatus.DRAFT:
        return app
    if to == AppStatus.WITHDRAWN:
        return services.application_withdraw(actor=user, application_id=app.pk, reason="业务调整")
    services.application_submit(actor=user, application_id=app.pk, commitment=None)
    steps = {
        AppStatus.SUBMITTED: [],
        AppStatus.NEEDS_CORRECTION: ["correct"],
        AppStatus.NOT_ACCEPTED: ["not_accept"],
        AppStatus.ACCEPTED: ["accept"],
        AppStatus.UNDER_REVIEW: ["accept", "review"],
        AppStatus.APPROVED: ["accept", "review", "approve"],
        AppStatus.REJECTED: ["accept", "review", "reject"],
        AppStatus.ISSUED: ["accept", "review", "approve", "issue"],
    }[to]
    for step in steps:
        if step == "correct":
            services.application_request_correction(
                actor=officer,
                application_id=app.pk,
                reason="材料不全",
                items=["补充机房租赁合同", "补充安全评估报告"],
            )
        elif step == "not_accept":
            services.application_not_accept(
                actor=officer, application_id=app.pk, reason="申请事项不属于本机关职权范围"
            )
        elif step == "accept":
            services.application_accept(actor=officer, application_id=app.pk)
        elif step == "review":
            services.application_start_review(actor=officer, application_id=app.pk)
        elif step == "approve":
            services.application_approve(actor=officer, application_id=app.pk, reason="符合许可条件")
        elif step == "reject":
            services.application_reject(
                actor=officer, application_id=app.pk, reason="网络与信息安全保障措施不落实"
            )
        elif step == "issue":
            services.application_issue(actor=officer, application_id=app.pk)
    app.refresh_from_db()
    return app


def _commit_issued(user, cats):
    app = _app(user, cats)
    services.application_submit(actor=user, application_id=app.pk, commitment=_commitment())
    # The Celery task also runs it; the check is idempotent, so whichever comes second is a no-op.
    return services.application_auto_check(application_id=app.pk)


def load() -> str:
    if Licence.objects.filter(application__created_by__username="enterprise").exists():
        return "already loaded"
    ents = _enterprises()
    if len(ents) < 60:
        return "regulator demo enterprises missing; nothing loaded"
    officer = _officer()
    rng = random.Random(20260401)
    now = today()
    with transaction.atomic():
        users = [_user_for(i, ents[i]) for i in range(EXTRA_USERS + 2)]

        # 1. Historic licences (2019-2025) for enterprises 10..79: valid, expiring, expired.
        historic: list[Licence] = []
        for i, ent in enumerate(ents[10:80]):
            cats = sorted(rng.sample(VALUE_ADDED, rng.choice([1, 1, 2, 3])))
            multi = i % 5 == 0
            cov = [ent.province, "44" if ent.province != "44" else "11"] if multi else [ent.province]
            if i % 10 == 1:  # expiring within 90 days
                issued = now - dt.timedelta(days=5 * 365 - 40)
            elif i % 10 == 2:  # already expired
                issued = now - dt.timedelta(days=5 * 365 + 100 + i)
            else:
                issued = dt.date(2021, 12, 6) + dt.timedelta(days=rng.randint(0, 4 * 365 - 30))
            historic.append(
                services.licence_register_existing(
                    actor=ACTOR, enterprise=ent, categories=cats, coverage=cov, issued_on=issued
                )
            )
        # 2. Officer actions on some of them: suspended, cancelled, revoked.
        valid = [lic for lic in historic if lic.status == LicenceStatus.VALID]
        services.licence_suspend(
            actor=_officer_for(valid[0].issuer_id),
            licence_id=valid[0].pk,
            reason="未按规定落实网络安全措施，责令整改",
        )
        services.licence_cancel(
            actor=_officer_for(valid[1].issuer_id),
            licence_id=valid[1].pk,
            reason="企业申请注销，用户已妥善处理",
        )
        services.licence_revoke(
            actor=_officer_for(valid[2].issuer_id), licence_id=valid[2].pk, reason="以欺骗手段取得许可"
        )
        services.licence_status_sweep()

        # 3. Applications in every state (the logged-in demo users own the interesting ones).
        u = users
        _walk(u[0], officer, ["B12"], AppStatus.DRAFT)
        _walk(u[0], officer, ["B13"], AppStatus.NEEDS_CORRECTION)
        _commit_issued(u[0], ["B25"])  # post-check due
        services.licence_register_existing(
            actor=ACTOR,
            enterprise=u[0].enterprise,
            categories=["B11"],
            coverage=[u[0].enterprise.province],
            issued_on=dt.date(2024, 3, 18),
        )
        submitted = _walk(u[1], officer, ["B11"], AppStatus.SUBMITTED)
        _walk(u[1], officer, ["B14"], AppStatus.UNDER_REVIEW)
        _commit_issued(u[1], ["B21"])
        _walk(u[2], officer, ["B11"], AppStatus.ACCEPTED)
        _walk(u[2], officer, ["B12"], AppStatus.APPROVED)
        pending = _app(u[2], ["B22"])
        services.application_submit(actor=u[2], application_id=pending.pk, commitment=_commitment())
        _walk(u[3], officer, ["B11"], AppStatus.NOT_ACCEPTED)
        _walk(u[3], officer, ["B12"], AppStatus.REJECTED)
        _walk(u[3], officer, ["B13"], AppStatus.WITHDRAWN)
        _walk(u[3], officer, ["B14"], AppStatus.ISSUED)
        for k in range(4, 10):
            _commit_issued(u[k], ["B25", "B26"] if k % 2 else ["B24"])

        # An old standard case whose acceptance deadline passed: the sweep flags it.
        Deadline.objects.filter(application=submitted).update(
            starts_on=now - dt.timedelta(days=20), due_on=now - dt.timedelta(days=12)
        )
        Application.objects.filter(pk=submitted.pk).update(
            submitted_at=timezone.now() - dt.timedelta(days=20)
        )
        services.deadline_overdue_sweep()

        # 4. Post-checks: passed, rectifying, revoked for a false commitment, and overdue.
        checks = list(
            PostCheck.objects.filter(licence__enterprise__in=[x.enterprise for x in u[4:10]]).order_by("id")
        )
        services.postcheck_pass(
            actor=_officer_for(checks[0].licence.issuer_id),
            postcheck_id=checks[0].pk,
            findings="现场核查与承诺一致",
        )
        services.postcheck_order_rectification(
            actor=_officer_for(checks[1].licence.issuer_id),
            postcheck_id=checks[1].pk,
            reason="安全管理制度未落实",
            findings="缺少日志留存",
        )
        services.postcheck_revoke(
            actor=_officer_for(checks[2].licence.issuer_id),
            postcheck_id=checks[2].pk,
            reason="承诺的机房和人员不存在，承诺不实",
            findings="现场核查",
        )
        # Two checks opened long ago (as if issued in the summer) are now overdue.
        for pc in checks[3:5]:
            PostCheck.objects.filter(pk=pc.pk).update(due_on=now - dt.timedelta(days=rng.randint(3, 30)))
        services.postcheck_overdue_sweep()
        pc_user1 = PostCheck.objects.filter(licence__enterprise=u[1].enterprise).first()
        services.postcheck_pass(
            actor=_officer_for(pc_user1.licence.issuer_id), postcheck_id=pc_user1.pk, findings="核查通过"
        )

        # 5. Annual reports for 2025: on time (confirmed), late, and missing (swept).
        year = now.year - 1
        owing = list(services.annual_reports.obliged_enterprises(year))
        late_users = 0
        for n, ent in enumerate(owing):
            user = _user_for(ents.index(ent), ent) if ents.index(ent) < EXTRA_USERS + 2 else _filer(ent)
            if n % 5 == 4:
                continue  # missing
            late = n % 7 == 3
            filed = dt.datetime(year + 1, 4 if late else 2, 10 + n % 15, 10, tzinfo=SHANGHAI)
            rep = services.annual_report_file(
                actor=user,
                year=year,
                filed_at=filed,
                operations=f"{year}年用户规模约{rng.randint(1, 90)}万户，业务运行平稳",
                changes="网络、业务与人员无重大变化",
                service_quality=f"投诉{rng.randint(0, 40)}件，处理及时率{rng.randint(90, 100)}%",
                security_measures="落实网络与信息安全责任制，开展应急演练",
                special_terms="遵守许可证特别规定事项",
                other_items="",
                publish_optional_items=n % 3 == 0,
                complaint_hotline=ent.contact_phone,
                complaint_count=rng.randint(0, 40),
            )
            late_users += int(late)
            if not late or n % 2:
                services.annual_report_confirm(actor=_officer_for(rep.authority_id), report_id=rep.pk)
        missing = services.annual_report_sweep() if now >= services.annual_reports.sweep_date(year) else 0
        # One listed non-filer files late; once confirmed, its bad-list entry is removed (§2.3).
        first_missing = AnnualReportMissing.objects.filter(year=year).order_by("id").first()
        if first_missing is not None:
            ent = first_missing.enterprise
            user = _user_for(ents.index(ent), ent) if ents.index(ent) < EXTRA_USERS + 2 else _filer(ent)
            rep = services.annual_report_file(
                actor=user,
                year=year,
                operations="补报：业务运行平稳",
                changes="无重大变化",
                service_quality="投诉0件",
                security_measures="已落实",
            )
            services.annual_report_confirm(
                actor=_officer_for(rep.authority_id), report_id=rep.pk, reason="逾期补报，经核实"
            )
        # 6. A renewal filed in time keeps its licence in force while it is reviewed (§1.5).
        for lic in Licence.objects.filter(status=LicenceStatus.VALID, imported=False).order_by("id"):
            busy = (
                Application.objects.filter(enterprise=lic.enterprise, categories__code__in=lic.categories)
                .exclude(status__in=TERMINAL_APP_STATUSES)
                .exists()
            )
            if busy or lic.application_id is None:
                continue
            user = _filer(lic.enterprise)
            renewal = services.application_create(
                actor=user,
                categories=lic.categories,
                coverage=lic.coverage,
                registered_capital=lic.application.registered_capital,
                staff_count=lic.application.staff_count,
                premises=lic.application.premises,
                security_measures=lic.application.security_measures,
                renew_licence_number=lic.number,
            )
            services.application_submit(actor=user, application_id=renewal.pk)
            break
        # 7. 双公示: every decision above is published (§7), as the beat sweep would.
        services.decision_publish_sweep()
    return (
        f"{Licence.objects.count()} licences, {Application.objects.count()} applications, "
        f"{PostCheck.objects.count()} post-checks, {late_users} late and {missing} missing annual reports"
    )


def _filer(ent: Enterprise) -> User:
    """A filing account for an enterprise without a named demo login."""
    name = f"filer-{ent.uscc.lower()}"
    user = User.objects.filter(username=name).first()
    if user is None:
        user = regulator_services.user_create(
            actor=ACTOR,
            username=name,
            password=name + regulator_demo.DEMO_PASSWORD_SUFFIX,
            role=Role.ENTERPRISE,
            enterprise_uscc=ent.uscc,
        )
    return user
