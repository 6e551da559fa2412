"""REGULATION.md §5 vectors, normalisation and the division → province rule."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regulator import uscc

VALID = ["91512081MA62K0260E", "91110000802100433B", "91440300708461136T", "91350100M000100Y43"]


@pytest.mark.parametrize("code", VALID)
def test_valid_vectors(code):
    assert uscc.validate(code) == code


def test_wrong_check_character_is_rejected_with_a_clear_message():
    with pytest.raises(uscc.USCCError, match="check character"):
        uscc.validate("91350100M000100Y44")
    with pytest.raises(uscc.USCCError, match="I, O, Z, S, V"):
        uscc.validate("91350100M000100Y4Z")


@pytest.mark.parametrize(
    "raw,needle",
    [
        ("9135010", "18 characters"),
        ("91350100M000100Y4O", "I, O, Z, S, V"),
        ("", "18 characters"),
    ],
)
def test_malformed_codes(raw, needle):
    with pytest.raises(uscc.USCCError, match=needle):
        uscc.validate(raw)


def test_full_width_lowercase_and_spaces_are_normalised():
    full_width = "９１５１２０８１ｍａ６２ｋ０２６０ｅ"
    assert uscc.validate(f"  {full_width}\u3000") == "91512081MA62K0260E"
    assert uscc.validate("91512081-ma62k0260e") == "91512081MA62K0260E"


def test_province_comes_from_division_digits():
    assert uscc.province_of("91440300708461136T") == "44"
    assert uscc.province_of("91110000802100433B") == "11"


@given(
    serial=st.integers(min_value=0, max_value=99_999_999),
    division=st.sampled_from(["110105", "440305", "510107"]),
)
def test_generator_always_makes_valid_codes(serial, division):
    code = uscc.make(division=division, serial=serial)
    assert uscc.validate(code) == code
    assert code[2:8] == division


def test_generator_organisation_code_check_matches_gb11714():
    # 91350100M000100Y43: organisation code M000100Y4 (R-tagged check, verified in §5).
    assert uscc._org_check("M000100Y") == "4"
