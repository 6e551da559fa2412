"""The register of licences issued before telereg (issue 11 point 8): rows with their real
numbers and dates, including legacy ``京ICP证030173号`` numbers (§1.4), validated row by
row, idempotent, and all-or-nothing unless the caller asks to skip bad rows.

Each imported licence gets a signed e-licence (version 1, change "imported"), an event
row and an audit event. The issuer's yearly number sequence is moved past every imported
number, so a number telereg allocates later never collides with one already in use
(``allocate_number`` also skips any number already in the register).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from config.api import ApplicationError
from licensing import numbers
from licensing.models import MIIT, Licence, LicenceEvent, NumberSequence, Path
from licensing.services import catalogue
from licensing.services.common import actor_label
from licensing.services.licences import sign_version, time_status
from regulator import audit, provinces, uscc
from regulator.models import Enterprise

COLUMNS = ("number", "uscc", "categories", "coverage", "valid_from", "valid_until")


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _split(text: str) -> list[str]:
    return [p for p in str(text or "").replace(",", ";").replace(" ", ";").split(";") if p]


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise ValueError(f"{name}: not a date (YYYY-MM-DD): {text!r}")


def _issuer_abbr(issuer: str) -> str:
    return "" if issuer == MIIT else provinces.BY_CODE[issuer].abbr


def _check_row(row: dict) -> dict:
    """The row's clean values, or ValueError naming the field."""
    missing = [c for c in COLUMNS if not str(row.get(c) or "").strip()]
    if missing:
        raise ValueError(f"missing: {', '.join(missing)}")
    try:
        number = numbers.validate(row["number"])
    except numbers.LicenceNumberError as exc:
        raise ValueError(f"number: {exc}")
    try:
        code = uscc.validate(row["uscc"])
    except uscc.USCCError as exc:
        raise ValueError(f"uscc: {exc}")
    ent = Enterprise.objects.filter(uscc=code).first()
    if ent is None:
        raise ValueError(f"uscc: {code} is not in the enterprise register (register it first)")
    try:
        cats = catalogue.resolve_categories(_split(row["categories"]))
        cov = catalogue.resolve_coverage(_split(row["coverage"]))
    except ApplicationError as exc:
        raise ValueError("; ".join(m for msgs in exc.errors.values() for m in msgs) or exc.message)
    issuer = catalogue.issuer_for(cats, cov)
    valid_from = _date(row["valid_from"], "valid_from")
    valid_until = _date(row["valid_until"], "valid_until")
    if valid_until <= valid_from:
        raise ValueError("valid_until must be after valid_from")
    legacy = numbers.LEGACY_ICP.match(number)
    if legacy:
        # §1.4: an old ICP licence is a provincial B25 licence of the province it names.
        if issuer == MIIT or legacy["prov"] != _issuer_abbr(issuer):
            raise ValueError(f"number: {number} names another issuer than the coverage ({issuer})")
        seq = None
    else:
        parsed = numbers.parse(number)
        if parsed.province_abbr != _issuer_abbr(issuer):
            raise ValueError(f"number: {number} does not match the issuer of this coverage ({issuer})")
        if numbers.class_string(parsed.classes) != numbers.class_string([c.group for c in cats]):
            raise ValueError(f"number: the classes of {number} do not match the services")
        seq = (parsed.year, parsed.sequence)
    path = str(row.get("path") or Path.STANDARD).strip()
    if path not in Path.values:
        raise ValueError(f"path: one of {', '.join(Path.values)}")
    return {
        "number": number,
        "enterprise": ent,
        "issuer": issuer,
        "categories": sorted(c.code for c in cats),
        "coverage": cov,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "path": path,
        "seq": seq,
    }


def _same(lic: Licence, v: dict) -> bool:
    return (
        lic.enterprise_id == v["enterprise"].pk
        and lic.issuer_id == v["issuer"]
        and sorted(lic.categories) == v["categories"]
        and sorted(lic.coverage) == v["coverage"]
        and (lic.valid_from, lic.valid_until) == (v["valid_from"], v["valid_until"])
    )


def licence_import_rows(*, actor, rows: list[tuple[int, dict]], skip_bad: bool = False) -> ImportReport:
    """Import ``rows`` ((line number, row dict) pairs). With any bad row and not
    ``skip_bad``, nothing is imported and every bad line is reported."""
    report = ImportReport()
    clean: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            v = _check_row(row)
            if v["number"] in seen:
                raise ValueError(f"number: {v['number']} appears twice (also line {seen[v['number']]})")
            seen[v["number"]] = line
            existing = Licence.objects.filter(number=v["number"]).first()
            if existing is not None and not _same(existing, v):
                raise ValueError(f"number: {v['number']} is already registered with other facts")
            clean.append((line, {**v, "existing": existing}))
        except ValueError as exc:
            report.errors.append((line, str(exc)))
    if report.errors and not skip_bad:
        return report
    with transaction.atomic():
        for _line, v in clean:
            if v["existing"] is not None:
                report.unchanged.append(v["number"])
                continue
            lic = Licence.objects.create(
                number=v["number"],
                enterprise=v["enterprise"],
                issuer_id=v["issuer"],
                path=v["path"],
                categories=v["categories"],
                coverage=v["coverage"],
                valid_from=v["valid_from"],
                valid_until=v["valid_until"],
                status=time_status(v["valid_until"]),
                issued_at=timezone.now(),
                imported=True,
            )
            LicenceEvent.objects.create(
                licence=lic,
                from_status="",
                to_status=lic.status,
                actor_label=actor_label(actor),
                reason="imported",
                at=timezone.now(),
            )
            audit.record(
                actor=actor,
                action="licensing.licence.imported",
                obj=lic,
                after={"number": lic.number, "valid_from": lic.valid_from, "valid_until": lic.valid_until},
            )
            sign_version(actor=actor, licence=lic, change="imported")
            if v["seq"]:
                year, seq = v["seq"]
                NumberSequence.objects.get_or_create(issuer=v["issuer"], year=year)
                # Keep the sequence past every number in use (never lowered).
                NumberSequence.objects.filter(issuer=v["issuer"], year=year, last__lt=seq).update(last=seq)
            report.imported.append(lic.number)
    return report
