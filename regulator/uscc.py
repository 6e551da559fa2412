"""Unified social credit code (GB 32100-2015), REGULATION.md §5. Pure, no Django.

Validation is python-stdnum's (`stdnum.cn.uscc`); we add normalisation (trim, full-width
to ASCII, upper-case), the division → province mapping, and a generator for test and
demo data that also gets the GB 11714 organisation-code check right.
"""

import unicodedata

from stdnum.cn import uscc as _uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

from regulator.provinces import BY_CODE

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class USCCError(ValueError):
    pass


def normalise(raw: str) -> str:
    # NFKC folds full-width letters and digits (Ｏ, ９) to ASCII; spaces and dashes
    # that people paste from documents are dropped.
    text = unicodedata.normalize("NFKC", str(raw)).strip().upper()
    return "".join(ch for ch in text if ch not in " -\u3000")


def validate(raw: str) -> str:
    """Return the normalised code or raise USCCError with a human message."""
    code = normalise(raw)
    try:
        _uscc.validate(code)
    except InvalidLength:
        raise USCCError(f"A unified social credit code has 18 characters; got {len(code)}.")
    except InvalidChecksum:
        raise USCCError(
            f"The check character (the 18th, {code[17]!r}) of this unified social credit code is "
            f"wrong: the first 17 characters give {_uscc.calc_check_digit(code[:17])!r}."
        )
    except (InvalidFormat, ValidationError):
        raise USCCError(
            "Not a unified social credit code: use digits and capital letters other than I, O, Z, S, V."
        )
    if code[2:4] not in BY_CODE:
        raise USCCError(f"The division code {code[2:8]} names no province.")
    return code


def province_of(code: str) -> str:
    """Two-digit GB/T 2260 province code from positions 3-4."""
    return code[2:4]


def _org_check(body8: str) -> str:
    total = sum(_ALPHABET.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def make(*, division: str, serial: int, authority: str = "9", kind: str = "1") -> str:
    """Build a valid code: authority + type + 6-digit division + organisation code + check."""
    if len(division) != 6 or not division.isdigit():
        raise ValueError("division must be 6 digits")
    body8 = f"{serial:08d}"[-8:]
    org = body8 + _org_check(body8)
    first17 = f"{authority}{kind}{division}{org}"
    return first17 + _uscc.calc_check_digit(first17)
