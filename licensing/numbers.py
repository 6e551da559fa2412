"""Licence numbers (REGULATION.md §1.4). Pure: no Django.

``京B2-20260001`` = province abbreviation + service classes + year + 4-digit sequence
per issuer per year; MIIT's cross-regional licences have no province prefix
(``B2-20260001``); ``合字`` marks a foreign-invested holder. The §1.4 regex [I] requires a
value-added class; we also accept a basic-only class string (``A1.A2-20260001``) because
basic licences exist and are issued by MIIT, and say so here rather than silently.
A record filing (``京ICP备12345678号``) is not a licence and never parses.
"""

import re
import unicodedata
from dataclasses import dataclass

PROVINCE_ABBRS = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新"

# The §1.4 regex, verbatim.
SECTION_1_4 = re.compile(
    r"^(合字)?([京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新])?"
    r"(A[12](\.A[12])*\.)?B[12](\.B[12])?-(19|20)\d{6}$"
)
PATTERN = re.compile(
    rf"^(?P<foreign>合字)?(?P<prov>[{PROVINCE_ABBRS}])?"
    r"(?P<classes>A[12](?:\.A[12])*(?:\.B[12](?:\.B[12])?)?|B[12](?:\.B[12])?)"
    r"-(?P<year>(?:19|20)\d{2})(?P<seq>\d{4})$"
)
_FILING = re.compile(r"ICP备|备案|公网安备")
# Legacy Internet-information-service licences kept their old form (§1.4 [F S15]):
# province + "ICP证" + six digits + "号", e.g. 京ICP证030173号.
LEGACY_ICP = re.compile(rf"^(?P<prov>[{PROVINCE_ABBRS}])ICP证(?P<seq>\d{{6}})号$")
# Dashes people type instead of the ASCII hyphen (after NFKC, which already maps U+FF0D).
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe58\ufe63"), "-")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """What people type → the canonical form (issue 9 point 10): full-width characters to
    ASCII (NFKC), every space removed, dash variants to "-", Latin letters upper-case.
    Chinese characters are left as they are."""
    raw = unicodedata.normalize("NFKC", text or "").translate(_DASHES)
    return _SPACE.sub("", raw).upper()


def is_legacy_icp(text: str) -> bool:
    return bool(LEGACY_ICP.match(normalise(text)))


def validate(text: str) -> str:
    """The normalised number if it is a licence number of either form; else the error."""
    norm = normalise(text)
    if LEGACY_ICP.match(norm):
        return norm
    parse(norm)
    return norm


class LicenceNumberError(ValueError):
    pass


@dataclass(frozen=True)
class LicenceNumber:
    province_abbr: str  # "" for MIIT
    classes: tuple[str, ...]  # e.g. ("A2", "B1", "B2")
    year: int
    sequence: int
    foreign: bool = False

    def __str__(self) -> str:
        return format_number(
            province_abbr=self.province_abbr,
            classes=self.classes,
            year=self.year,
            sequence=self.sequence,
            foreign=self.foreign,
        )


def is_filing_number(text: str) -> bool:
    return bool(_FILING.search(text or ""))


def class_string(classes: tuple[str, ...] | list[str]) -> str:
    """Sorted, de-duplicated class groups joined by dots: basic before value-added."""
    groups = sorted(set(classes), key=lambda c: (c[0] != "A", c))
    if not groups or any(g not in ("A1", "A2", "B1", "B2") for g in groups):
        raise LicenceNumberError(f"unknown service classes: {classes!r}")
    return ".".join(groups)


def format_number(
    *,
    province_abbr: str,
    classes: tuple[str, ...] | list[str],
    year: int,
    sequence: int,
    foreign: bool = False,
) -> str:
    if province_abbr and (len(province_abbr) != 1 or province_abbr not in PROVINCE_ABBRS):
        raise LicenceNumberError(f"unknown province abbreviation {province_abbr!r}")
    if not 1900 <= year <= 2099:
        raise LicenceNumberError("year out of range")
    if not 1 <= sequence <= 9999:
        raise LicenceNumberError("the per-issuer yearly sequence has 4 digits (1-9999)")
    text = f"{'合字' if foreign else ''}{province_abbr}{class_string(classes)}-{year}{sequence:04d}"
    parse(text)  # the formatter never emits what the parser rejects
    return text


def parse(text: str) -> LicenceNumber:
    raw = (text or "").strip()
    if is_filing_number(raw):
        raise LicenceNumberError(
            "This is an ICP filing number (备案号), not a telecom business licence number."
        )
    m = PATTERN.match(raw)
    if not m:
        raise LicenceNumberError("Not a licence number: expected e.g. 京B2-20260001 or B2-20260001.")
    classes = tuple(m["classes"].split("."))
    if len(set(classes)) != len(classes):
        raise LicenceNumberError("A service class appears twice.")
    return LicenceNumber(
        province_abbr=m["prov"] or "",
        classes=classes,
        year=int(m["year"]),
        sequence=int(m["seq"]),
        foreign=bool(m["foreign"]),
    )


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except LicenceNumberError:
        return False
    return True
