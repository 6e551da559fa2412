"""Enforcement demo data: penalty cases in every state, made by the real services.

Among them: one case from the notice to the dishonest list for a fine never paid (with the
surcharge recorded), one decision annulled by a court (still published, marked annulled),
one corrected by a superseding decision, one licence revocation, one no-penalty decision.
The demo enterprise user ("enterprise") is the party of several cases, so its login shows
them from the notice on.

Time. The legal periods (the reply window, the 15 days to pay) cannot pass during a demo
load; where a case needs them behind it, ``_age`` moves that case's dates back by the
period, standing in for the weeks the history would have taken. Idempotent: every case
has a ``demo:`` source reference and a rerun adds nothing.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from enforcement import services
from enforcement.models import Case, CaseStatus, Decision
from licensing.models import Licence, LicenceStatus
from regulator.demo import demo_codes
from regulator.models import Enterprise, User

FINE = {"kind": "fine", "amount": "30000"}


def _users() -> dict[str, User] | None:
    names = ["supervisor", "inspector", "inspector2", "officer", "enterprise", "enterprise2"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    return users if len(users) == len(names) else None


def _age(case: Case, days: int) -> None:
    """Move every date of the case and its decisions ``days`` into the past (see above)."""
    delta = dt.timedelta(days=days)
    case_fields = ["opened_on", "decision_due_on", "notice_sent_on", "reply_due_on", "hearing_on"]
    Case.objects.filter(pk=case.pk).update(
        **{f: F(f) - delta for f in case_fields if getattr(Case.objects.get(pk=case.pk), f) is not None}
    )
    dec_fields = ["decided_on", "delivered_on", "performance_due_on", "listing_due_on", "publish_due_on"]
    for dec in Decision.objects.filter(case=case):
        Decision.objects.filter(pk=dec.pk).update(
            **{f: F(f) - delta for f in dec_fields if getattr(dec, f) is not None}
        )


def _case(u, ent, n: int, *, licence=None) -> Case:
    return services.case_open(
        actor=u["supervisor"],
        enterprise=ent,
        source_kind=["inspection", "complaint", "monitoring", "referral", "manual"][n % 5],
        source_ref=f"demo:{n}",
        facts=[
            "未经许可擅自经营互联网数据中心业务",
            "超范围经营呼叫中心业务",
            "未按规定落实网络数据安全管理措施",
            "擅自变更许可证载明事项",
            "拒不配合监督检查",
        ][n % 5],
        provisions="《中华人民共和国电信条例》第七条、第五十九条",
        authority=ent.province,
        officers=[u["supervisor"], u["inspector"], u["inspector2"]],
        licence=licence,
    )


def _to_notice(u, case: Case, kind="fine", amount="30000") -> Case:
    s = u["supervisor"]
    services.evidence_add(
        actor=s,
        case_id=case.pk,
        upload=SimpleUploadedFile(f"现场检查笔录-{case.pk}.pdf", _pdf(case), content_type="application/pdf"),
        description="现场检查笔录",
    )
    services.case_investigate(actor=s, case_id=case.pk, reason="已指派两名以上执法人员调查")
    return services.case_send_notice(
        actor=s,
        case_id=case.pk,
        kind=kind,
        amount=amount if kind in ("fine", "confiscation") else None,
        text="经调查，你单位存在上述违法行为，本机关拟作出行政处罚。你单位有权进行陈述和申辩。",
    )


def _pdf(case: Case) -> bytes:
    """A small, well-formed one-page PDF naming the case (demo evidence)."""
    text = f"Case {case.pk} inspection record".encode()
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _decide(u, case: Case, kind="fine", amount="30000", **kw) -> Decision:
    _age(case, 20)  # the reply window (5 working days) lies behind the case
    return services.decision_make(
        actor=u["supervisor"],
        case_id=case.pk,
        outcome=kw.pop("outcome", "penalty"),
        kind=kind,
        amount=amount if kind in ("fine", "confiscation") else None,
        title=kw.pop("title", "违反电信管理规定案"),
        reasons=case.facts,
        legal_basis="《中华人民共和国电信条例》第六十九条",
        **kw,
    )


def load() -> str:
    u = _users()
    codes = [c for c, _p, _c in demo_codes()]
    ents = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=codes)}
    ents = [ents[c] for c in codes if c in ents]
    if u is None or len(ents) < 200:
        return "skipped: kernel demo users or enterprises missing"
    if Case.objects.filter(source_ref__startswith="demo:").exists():
        return "already loaded"
    s = u["supervisor"]
    party = u["enterprise"].enterprise
    pool = ents[150:200]

    # Each block below leaves cases in the states it names; together they cover every state
    # of CaseStatus, which load() checks and reports.
    # Before the notice: opened, investigating, withdrawn.
    _case(u, pool[0], 0)
    services.case_investigate(actor=s, case_id=_case(u, pool[1], 1).pk)
    services.case_withdraw(actor=s, case_id=_case(u, pool[2], 2).pk, reason="经核查不存在违法事实")
    # The party's cases: notice sent (the enterprise may reply), hearing requested.
    _to_notice(u, _case(u, party, 3))
    c = _to_notice(u, _case(u, party, 4), amount="100000")
    services.case_defend(
        actor=u["enterprise"], case_id=c.pk, text="我司已于收到告知后立即整改，请求从轻处罚。"
    )
    services.case_request_hearing(actor=u["enterprise"], case_id=c.pk, reason="对罚款数额有异议")
    # Hearing scheduled (the demo enterprise's), hearing held (the second demo enterprise's).
    c = _to_notice(u, _case(u, party, 5), kind="suspension")
    services.case_request_hearing(actor=u["enterprise"], case_id=c.pk)
    hearing_on = timezone.localdate() + dt.timedelta(days=30)
    services.case_schedule_hearing(
        actor=s, case_id=c.pk, hearing_on=hearing_on, place="通信管理局第一听证室", chair_id=u["officer"].pk
    )
    second = u["enterprise2"]
    c = _to_notice(u, _case(u, second.enterprise, 15), kind="suspension")
    services.case_request_hearing(actor=second, case_id=c.pk)
    services.case_schedule_hearing(
        actor=s, case_id=c.pk, hearing_on=hearing_on, place="通信管理局第一听证室", chair_id=u["officer"].pk
    )
    _age(c, 31)  # the hearing day has come
    services.case_hold_hearing(actor=s, case_id=c.pk, record="听证会依法公开举行，当事人进行了陈述和申辩。")
    # Decided, not yet delivered (a no-penalty decision too).
    _decide(u, _to_notice(u, _case(u, pool[4], 6)))
    c = _case(u, pool[5], 7)
    services.case_investigate(actor=s, case_id=c.pk)
    d = services.decision_make(
        actor=s,
        case_id=c.pk,
        outcome="no_penalty",
        title="违法行为轻微并及时改正，不予行政处罚",
        reasons="当事人违法行为轻微并及时改正，没有造成危害后果",
        legal_basis="《中华人民共和国行政处罚法》第三十三条",
    )
    services.decision_deliver(actor=s, decision_id=d.pk)
    services.case_close(actor=s, case_id=c.pk, reason="不予处罚")
    # Delivered and pending payment; performed; closed.
    d = _decide(u, _to_notice(u, _case(u, party, 8)))
    services.decision_deliver(actor=s, decision_id=d.pk)
    d = _decide(u, _to_notice(u, _case(u, pool[6], 9)))
    services.decision_deliver(actor=s, decision_id=d.pk)
    services.decision_perform(actor=s, decision_id=d.pk, note="罚款已缴入国库")
    c = _to_notice(u, _case(u, pool[7], 10), kind="warning")
    d = _decide(u, c, kind="warning")
    services.decision_deliver(actor=s, decision_id=d.pk)
    services.case_close(actor=s, case_id=c.pk, reason="警告已送达")
    # From notice to the dishonest list: a fine never paid (surcharge recorded), then court
    # enforcement applied for.
    c = _to_notice(u, _case(u, pool[8], 11))
    d = _decide(u, c, title="擅自经营互联网数据中心业务案")
    services.decision_deliver(actor=s, decision_id=d.pk)
    _age(c, 25)  # the 15 days to pay have passed, ten days ago
    services.sweep_unperformed()
    services.case_apply_enforcement(actor=s, case_id=c.pk, reason="逾期不缴纳罚款，申请人民法院强制执行")
    # Annulled by a court: listings withdrawn, still published, marked annulled.
    d = _decide(u, _to_notice(u, _case(u, pool[9], 12)))
    services.decision_deliver(actor=s, decision_id=d.pk)
    services.effects_run_pending()
    services.decision_annul(
        actor=s,
        decision_id=d.pk,
        annulment_kind="court",
        reference="（2026）京0105行初88号",
        reason="人民法院判决撤销该行政处罚决定",
    )
    # Corrected: a superseding decision with a new number.
    d = _decide(u, _to_notice(u, _case(u, pool[10], 13)))
    services.decision_deliver(actor=s, decision_id=d.pk)
    new = services.decision_correct(
        actor=s, decision_id=d.pk, reason="罚款数额计算有误，予以更正", amount="20000"
    )
    services.decision_deliver(actor=s, decision_id=new.pk)
    # A licence revoked by a penalty decision (licensing lists the holder as dishonest).
    lic = (
        Licence.objects.filter(status=LicenceStatus.VALID, enterprise__in=ents[100:150])
        .order_by("id")
        .first()
    )
    if lic is not None:
        c = _to_notice(u, _case(u, lic.enterprise, 14, licence=lic), kind="revocation")
        d = _decide(u, c, kind="revocation", title="严重违法经营，吊销经营许可证")
        services.decision_deliver(actor=s, decision_id=d.pk)
    services.effects_run_pending()
    states = sorted(set(Case.objects.filter(source_ref__startswith="demo:").values_list("status", flat=True)))
    missing = set(CaseStatus.values) - set(states)
    return f"{Case.objects.count()} cases, {Decision.objects.count()} decisions; states missing: {sorted(missing) or 'none'}"
