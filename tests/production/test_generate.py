"""bench.generate: rows the application accepts, reproducible from the seed, idempotent."""

import datetime as dt

from django.core.management import call_command

from bench import generate
from bench.generate import complaints as gen_complaints
from bench.generate import frames as gen_frames
from complaints import metrics
from complaints.models import Complaint, Rollup
from complaints.transitions import ROLLUP_FIELDS, bucket, contribution
from regulator import uscc
from regulator.models import Enterprise


def test_enterprises_are_valid_reproducible_and_idempotent(db):
    ids = generate.enterprises(300, seed=7, serial_base=50_000_000)
    codes = generate.usccs(ids)
    assert len(ids) == 300 == len(set(codes))
    assert all(uscc.validate(c) == c for c in codes)
    rows = list(Enterprise.objects.filter(pk__in=ids).values_list("uscc", "name", "province"))
    assert all(uscc.province_of(c) == p for c, _, p in rows)
    # Same seed again: the same rows, nothing added.
    again = generate.enterprises(300, seed=7, serial_base=50_000_000)
    assert again == ids and Enterprise.objects.filter(pk__in=ids).count() == 300
    assert list(Enterprise.objects.filter(pk__in=ids).values_list("uscc", "name", "province")) == rows


def test_same_seed_same_rows_other_seed_other_rows():
    first = list(generate._enterprise_rows(50, 3, 1))
    assert first == list(generate._enterprise_rows(50, 3, 1))
    assert first != list(generate._enterprise_rows(50, 4, 1))


# --- complaints (bench.generate.complaints) -------------------------------------------------


def _report_equals_records(months) -> None:
    """The app's report (rollups) equals the app's recomputation from its public records."""
    for month in months:
        fast = metrics.stats(months=[month], group_by="enterprise")
        rows = (metrics.record_row(c) for c in metrics.public_records(months=[month]))
        slow = metrics.recompute(rows, group_by="enterprise")
        assert fast["total"] == slow["total"]
        assert fast["groups"] == slow["groups"]


def _rollups_from_models() -> dict:
    """Rollups as the services would have built them: contribution() of every stored
    Complaint (real model instances), summed per bucket()."""
    out: dict = {}
    for c in Complaint.objects.all():
        con = contribution(c)
        if con["records"]:
            acc = out.setdefault(bucket(c), dict.fromkeys(ROLLUP_FIELDS, 0))
            for f in ROLLUP_FIELDS:
                acc[f] += con[f]
    return out


def _stored_rollups() -> dict:
    keys = ("period", "enterprise_id", "category", "province", "kind")
    return {
        tuple(r[k] for k in keys): {f: r[f] for f in ROLLUP_FIELDS}
        for r in Rollup.objects.values(*keys, *ROLLUP_FIELDS)
        if any(r[f] for f in ROLLUP_FIELDS)
    }


def test_complaints_valid_for_the_report_reproducible_and_resumable(db):
    got = gen_complaints.complaints(600, seed=5, enterprises=12, months=3)
    assert got.added == 600 == Complaint.objects.count()
    stored = list(
        Complaint.objects.order_by("public_id").values_list("public_id", "status", "fast", "timely")
    )
    # Every kind of life the report counts is there.
    statuses = {s for _p, s, _f, _t in stored}
    assert {"closed", "rejected"} <= statuses
    assert any(f is True for *_x, f, _t in stored) and any(t is False for *_x, t in stored)
    assert _stored_rollups() == _rollups_from_models()
    _report_equals_records(got.months)
    # Same seed again: nothing added; a larger n adds only the missing tail, rollups follow.
    again = gen_complaints.complaints(600, seed=5, enterprise_ids=got.enterprise_ids, months=3)
    assert again.added == 0 and Complaint.objects.count() == 600
    more = gen_complaints.complaints(800, seed=5, enterprise_ids=got.enterprise_ids, months=3)
    assert more.added == 200 and Complaint.objects.count() == 800
    assert set(stored) <= set(
        Complaint.objects.values_list("public_id", "status", "fast", "timely")
    )  # the first 600 unchanged
    assert _stored_rollups() == _rollups_from_models()
    _report_equals_records(got.months)


def test_complaint_rows_depend_on_the_seed_only(db):
    ents = [(1, "11"), (2, "44"), (3, "31")]
    months = gen_complaints.months_from(dt.date(2025, 1, 1), 2)
    clocks = gen_complaints._Clocks()

    def rows(seed, n=200, skip=0):
        return list(gen_complaints._rows(n, seed, skip, ents, months, gen_complaints._Sums(), clocks))

    first = rows(9)
    assert first == rows(9)
    assert first != rows(10)
    # Resuming at row k gives exactly the rows k.. of a full run (the prefix rule).
    assert rows(9, skip=150) == first[150:]


def test_complaints_existing_rollups_are_added_to(db):
    got = gen_complaints.complaints(300, seed=6, enterprises=8, months=2)
    before = _stored_rollups()
    # A second seed over the same enterprises and months lands in the same buckets: summed.
    gen_complaints.complaints(300, seed=7, enterprise_ids=got.enterprise_ids, months=2)
    after = _stored_rollups()
    assert sum(v["records"] for v in after.values()) > sum(v["records"] for v in before.values())
    assert after == _rollups_from_models()
    _report_equals_records(got.months)


# --- draw frames (bench.generate.frames) ----------------------------------------------------


def test_frames_give_the_app_the_strata_and_verify(db, supervisor, capsys):
    from inspections import services

    world = gen_frames.frames(1500, seed=3, inspectors=25, serial_base=70_000_000)
    sizes = {name: len(ids) for name, ids in world.strata.items()}
    assert sum(sizes.values()) == 1500 and all(sizes[s] for s in ("bad", "grade_B", "grade_A", "grade_AA"))
    # Accounts are what the ledger says (score, grade, count): the app's own check.
    call_command("credit_verify")
    assert ", 0 differences" in capsys.readouterr().out
    # Second call: nothing added.
    again = gen_frames.frames(1500, seed=3, inspectors=25, serial_base=70_000_000)
    assert again.enterprise_ids == world.enterprise_ids and again.strata == world.strata
    from credit.models import Account, LedgerEntry
    from inspections.models import Inspector
    from licensing.models import Licence

    counts = (
        Licence.objects.count(),
        LedgerEntry.objects.count(),
        Account.objects.count(),
        Inspector.objects.count(),
    )
    gen_frames.frames(1500, seed=3, inspectors=25, serial_base=70_000_000)
    assert counts == (
        Licence.objects.count(),
        LedgerEntry.objects.count(),
        Account.objects.count(),
        Inspector.objects.count(),
    )
    # The app's own frame freeze finds the same strata and the whole roster.
    item = services.item_create(
        actor=supervisor, code="GEN", title="t", legal_basis="b", content="c", method="written"
    )
    camp = services.campaign_create(
        actor=supervisor,
        code="GEN-1",
        title="t",
        legal_basis="b",
        items=[item.code],
        season_start=dt.date(2026, 5, 1),
        season_end=dt.date(2026, 9, 30),
    )
    draw = services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    frozen = {s["name"]: s["size"] for s in draw.strata if s["size"]}
    assert frozen == {k: v for k, v in sizes.items() if v}
    assert len(draw.pool["inspectors"]) == 25


def test_frame_assignment_depends_on_the_seed_only():
    assert gen_frames.assign(500, 1) == gen_frames.assign(500, 1)
    assert gen_frames.assign(500, 1) != gen_frames.assign(500, 2)


def test_ledger_entries_leave_accounts_as_the_service_would(db):
    """Score, count, last entry and grade in step with the entries: credit_verify agrees."""
    from django.core.management import call_command

    from credit.models import Account, Rule
    from credit.services.common import grade_of

    ids = generate.enterprises(20, seed=5, serial_base=55_000_000)
    rule = Rule.objects.order_by("code").first()
    assert generate.ledger_entries(40, enterprise_ids=ids, rule_id=rule.pk, seed=5) == 40
    accounts = list(Account.objects.filter(enterprise_id__in=ids))
    assert accounts and all(a.grade == grade_of(a.score, False) for a in accounts)
    assert len({a.grade for a in accounts}) > 1  # the scores spread over more than one grade
    call_command("credit_verify")  # raises on any account out of step with its entries
    # Every generated posting with an expiry is queued for the sweep, as a posted one is.
    from credit.models import ExpiryDue, LedgerEntry

    expiring = LedgerEntry.objects.filter(enterprise_id__in=ids, expires_at__isnull=False)
    assert expiring.exists()
    assert set(ExpiryDue.objects.values_list("entry_id", flat=True)) >= set(
        expiring.values_list("pk", flat=True)
    )
