"""Pure modules: licence numbers and e-licence signatures, no database."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from licensing import numbers, signing

REAL = [
    "京B2-20170348",
    "B2-20080207",
    "A2.B1.B2-20090001",
    "合字B1.B2-20130004",
    "粤B1-20260001",
    "B1.B2-20221234",
]


@pytest.mark.parametrize("text", REAL)
def test_real_numbers_parse_and_match_the_section_1_4_regex(text):
    parsed = numbers.parse(text)
    assert str(parsed) == text
    assert numbers.SECTION_1_4.match(text)


def test_parse_fields():
    n = numbers.parse("合字京B1.B2-20260042")
    assert (n.foreign, n.province_abbr, n.classes, n.year, n.sequence) == (True, "京", ("B1", "B2"), 2026, 42)


@pytest.mark.parametrize(
    "text",
    [
        "京ICP备12345678号",
        "京ICP备12345678号-1",
        "京ICP证030173号",
        "京B3-20260001",
        "京B2-2026001",
        "XX-20260001",
        "",
        "B2.B2-20260001",
    ],
)
def test_non_licences_are_rejected(text):
    with pytest.raises(numbers.LicenceNumberError):
        numbers.parse(text)
    assert not numbers.is_valid(text)


def test_filing_number_message_names_the_filing():
    with pytest.raises(numbers.LicenceNumberError, match="filing"):
        numbers.parse("京ICP备12345678号")


def test_basic_only_numbers_are_an_explicit_extension():
    assert numbers.is_valid("A1.A2-20260001")
    assert not numbers.SECTION_1_4.match("A1.A2-20260001")


def test_format_sorts_classes_and_pads():
    assert (
        numbers.format_number(province_abbr="", classes=["B2", "A1", "B1"], year=2026, sequence=7)
        == "A1.B1.B2-20260007"
    )
    with pytest.raises(numbers.LicenceNumberError):
        numbers.format_number(province_abbr="京", classes=["B2"], year=2026, sequence=10000)
    with pytest.raises(numbers.LicenceNumberError):
        numbers.format_number(province_abbr="X", classes=["B2"], year=2026, sequence=1)


@given(
    prov=st.sampled_from(["", *numbers.PROVINCE_ABBRS]),
    classes=st.sets(st.sampled_from(["A1", "A2", "B1", "B2"]), min_size=1),
    year=st.integers(1990, 2099),
    seq=st.integers(1, 9999),
    foreign=st.booleans(),
)
def test_format_parse_round_trip(prov, classes, year, seq, foreign):
    text = numbers.format_number(
        province_abbr=prov, classes=sorted(classes), year=year, sequence=seq, foreign=foreign
    )
    parsed = numbers.parse(text)
    assert (parsed.province_abbr, set(parsed.classes), parsed.year, parsed.sequence, parsed.foreign) == (
        prov,
        classes,
        year,
        seq,
        foreign,
    )


DOC = {
    "number": "京B2-20260001",
    "holder": {"name": "甲网络科技有限公司", "uscc": "91110105MA00000000"},
    "version": 1,
}


def test_sign_and_verify_with_only_the_public_key():
    key = signing.private_key_from_seed(b"k1")
    pub = signing.public_key_b64(key)
    sig = signing.sign(key, DOC)
    # The verifier rebuilds the bytes with the standard library only.
    message = json.dumps(DOC, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert message == signing.canonical_bytes(DOC)
    assert signing.verify_bytes(pub, message, sig)
    assert signing.verify(pub, DOC, sig)


def test_one_changed_byte_fails():
    key = signing.private_key_from_seed(b"k1")
    pub = signing.public_key_b64(key)
    sig = signing.sign(key, DOC)
    message = bytearray(signing.canonical_bytes(DOC))
    for i in (0, len(message) // 2, len(message) - 1):
        tampered = bytearray(message)
        tampered[i] ^= 0x01
        assert not signing.verify_bytes(pub, bytes(tampered), sig)
    raw = bytearray(signing.unb64(sig))
    raw[5] ^= 0x80
    assert not signing.verify(pub, DOC, signing.b64(bytes(raw)))


def test_other_key_and_garbage_fail():
    k1, k2 = signing.private_key_from_seed(b"k1"), signing.private_key_from_seed(b"k2")
    sig = signing.sign(k1, DOC)
    assert not signing.verify(signing.public_key_b64(k2), DOC, sig)
    assert not signing.verify(signing.public_key_b64(k1), DOC, "not base64!!")
    assert not signing.verify("AAAA", DOC, sig)


def test_key_round_trip_and_id():
    key = signing.private_key_from_seed(b"k1")
    again = signing.private_key_from_b64(signing.private_key_b64(key))
    assert signing.public_key_b64(again) == signing.public_key_b64(key)
    assert signing.key_id_for(signing.public_key_b64(key)).startswith("ed25519-")
