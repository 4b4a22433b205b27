"""Table tests of the plate grammar: every format, usage syllable, region, and invalid forms."""

from __future__ import annotations

import unicodedata

import pytest

from safenet.plates import (
    DIPLOMATIC_PREFIXES,
    REGIONS,
    USAGE_SYLLABLES,
    Plate,
    PlateError,
    PlateKind,
    VehicleType,
    check,
    parse,
)
from tests.plates import oracle

VALID = [
    # text, region, class, usage, serial, kind, vehicle type
    ("12가3456", None, "12", "가", "3456", "private", "passenger"),
    ("01가0001", None, "01", "가", "0001", "private", "passenger"),
    ("69모1234", None, "69", "모", "1234", "private", "passenger"),
    ("70너1234", None, "70", "너", "1234", "private", "van"),
    ("79두1234", None, "79", "두", "1234", "private", "van"),
    ("80루1234", None, "80", "루", "1234", "private", "truck"),
    ("97조1234", None, "97", "조", "1234", "private", "truck"),
    ("98주1234", None, "98", "주", "1234", "private", "special"),
    ("99우1234", None, "99", "우", "1234", "private", "special"),
    ("123가4567", None, "123", "가", "4567", "private", "passenger"),
    ("100가1234", None, "100", "가", "1234", "private", "passenger"),
    ("699가1234", None, "699", "가", "1234", "private", "passenger"),
    ("700가1234", None, "700", "가", "1234", "private", "van"),
    ("799가1234", None, "799", "가", "1234", "private", "van"),
    ("800가1234", None, "800", "가", "1234", "private", "truck"),
    ("979가1234", None, "979", "가", "1234", "private", "truck"),
    ("980가1234", None, "980", "가", "1234", "private", "special"),
    ("997가1234", None, "997", "가", "1234", "private", "special"),
    ("998가1234", None, "998", "가", "1234", "emergency", "emergency"),
    ("999소1234", None, "999", "소", "1234", "emergency", "emergency"),
    ("001가1234", None, "001", "가", "1234", "construction", "construction"),
    ("012가3456", None, "012", "가", "3456", "construction", "construction"),
    ("099바3456", None, "099", "바", "3456", "construction", "construction"),
    ("12하3456", None, "12", "하", "3456", "rental", "passenger"),
    ("123허4567", None, "123", "허", "4567", "rental", "passenger"),
    ("12호3456", None, "12", "호", "3456", "rental", "passenger"),
    ("12바3456", None, "12", "바", "3456", "commercial", "passenger"),
    ("80배1234", None, "80", "배", "1234", "delivery", "truck"),
    ("서울12바3456", "서울", "12", "바", "3456", "commercial", "passenger"),
    ("부산75자1234", "부산", "75", "자", "1234", "commercial", "van"),
    ("경기80배1234", "경기", "80", "배", "1234", "delivery", "truck"),
    ("서울12가3456", "서울", "12", "가", "3456", "old-regional", "passenger"),
    ("강원1가1234", "강원", "1", "가", "1234", "old-regional", "passenger"),
    ("제주5누1234", "제주", "5", "누", "1234", "old-regional", "van"),
    ("충북7버1234", "충북", "7", "버", "1234", "old-regional", "truck"),
    ("전남9고1234", "전남", "9", "고", "1234", "old-regional", "special"),
    ("세종3사1234", "세종", "3", "사", "1234", "commercial", "passenger"),
    ("대구12하3456", "대구", "12", "하", "3456", "old-regional", "passenger"),
    ("외교123456", None, "123", "외교", "456", "diplomatic", "diplomatic"),
]

SPELLINGS = [
    ("12 가 3456", "12가3456"),
    ("12가-3456", "12가3456"),
    ("12.가.3456", "12가3456"),
    ("12·가·3456", "12가3456"),
    ("12・가・3456", "12가3456"),
    ("１２가３４５６", "12가3456"),
    ("12\u3000가\u00a03456", "12가3456"),
    (unicodedata.normalize("NFD", "서울12바3456"), "서울12바3456"),
    ("서울 12 바 3456", "서울12바3456"),
    ("외교123-456", "외교123456"),
    ("외교 123–456", "외교123456"),
    ("  12가3456  ", "12가3456"),
]


@pytest.mark.parametrize(("text", "region", "cls", "usage", "serial", "kind", "vtype"), VALID)
def test_every_format_parses_into_its_parts(
    text: str, region: str | None, cls: str, usage: str, serial: str, kind: str, vtype: str
) -> None:
    plate = parse(text)
    assert plate == Plate(
        text=text,
        region=region,
        class_number=cls,
        usage=usage,
        serial=serial,
        kind=PlateKind(kind),
        vehicle_type=VehicleType(vtype),
    )
    result = check(text)
    assert (result.valid, result.normalized, result.error, result.plate) == (
        True,
        text,
        None,
        plate,
    )


@pytest.mark.parametrize(("text", "canonical"), SPELLINGS)
def test_separators_full_width_and_nfd_fold_to_the_canonical_plate(
    text: str, canonical: str
) -> None:
    assert parse(text).text == canonical


@pytest.mark.parametrize("syllable", oracle.ALL_USAGE)
def test_every_usage_syllable_is_accepted_with_its_kind(syllable: str) -> None:
    assert USAGE_SYLLABLES[syllable] == PlateKind(oracle.usage_kind(syllable))
    national = parse(f"12{syllable}3456")
    assert national.usage == syllable
    assert national.kind == PlateKind(oracle.usage_kind(syllable))
    assert parse(f"123{syllable}4567").kind == national.kind
    regional = parse(f"서울12{syllable}3456")
    assert regional.kind == PlateKind(oracle.kind("서울", "12", syllable))
    assert regional.region == "서울"


def test_usage_syllables_are_exactly_the_issued_ones() -> None:
    assert set(USAGE_SYLLABLES) == set(oracle.ALL_USAGE)
    assert len(USAGE_SYLLABLES) == 40


@pytest.mark.parametrize("region", oracle.REGIONS)
def test_every_region_is_accepted(region: str) -> None:
    plate = parse(f"{region}12바3456")
    assert (plate.region, plate.kind) == (region, PlateKind.COMMERCIAL)


def test_regions_and_prefixes_are_exactly_the_listed_ones() -> None:
    assert tuple(oracle.REGIONS) == REGIONS
    assert tuple(oracle.DIPLOMATIC) == DIPLOMATIC_PREFIXES


@pytest.mark.parametrize("prefix", oracle.DIPLOMATIC)
def test_every_diplomatic_prefix_is_accepted(prefix: str) -> None:
    plate = parse(f"{prefix}123-456")
    assert plate.text == f"{prefix}123456"
    assert (plate.usage, plate.class_number, plate.serial) == (prefix, "123", "456")
    assert plate.kind is PlateKind.DIPLOMATIC
    assert plate.vehicle_type is VehicleType.DIPLOMATIC
    assert plate.display == f"{prefix}123-456"


def test_display_is_the_spaced_form() -> None:
    assert parse("12가3456").display == "12가 3456"
    assert parse("서울12바3456").display == "서울12바 3456"
    assert str(parse("12 가 3456")) == "12가3456"


INVALID = [
    ("", "plate is empty"),
    ("   ", "plate is empty after removing separators"),
    ("-.·", "plate is empty after removing separators"),
    ("12차3456", "unknown usage syllable '차'"),
    ("12카3456", "unknown usage syllable '카'"),
    ("12타3456", "unknown usage syllable '타'"),
    ("12파3456", "unknown usage syllable '파'"),
    ("12이3456", "unknown usage syllable '이'"),
    ("12각3456", "unknown usage syllable '각'"),
    ("12흐3456", "unknown usage syllable '흐'"),
    ("12국3456", "unknown usage syllable '국'"),
    ("12울3456", "unknown usage syllable '울'"),
    ("서울12차3456", "unknown usage syllable '차'"),
    ("12가나3456", "usage must be one syllable, got '가나'"),
    ("00가1234", "class number 00 is not issued"),
    ("000가1234", "class number 000 is not issued"),
    ("서울00가1234", "class number 00 is not issued"),
    ("서울0가1234", "class number 0 is not issued"),
    ("00차1234", "class number 00 is not issued"),
    ("1가1234", "a 1-digit class number is only issued after a region name"),
    ("0가1234", "a 1-digit class number is only issued after a region name"),
    ("1234가5678", "class number must be 2 or 3 digits, got 4"),
    ("서울123가4567", "class number after a region name must be 1 or 2 digits, got 3"),
    ("서울012가3456", "class number after a region name must be 1 or 2 digits, got 3"),
    ("12가345", "serial must be 4 digits, got 3"),
    ("12가34567", "serial must be 4 digits, got 5"),
    ("12 가 3456 7", "serial must be 4 digits, got 5"),
    ("12가34567890", "serial must be 4 digits, got 8"),
    ("12가", "serial must be 4 digits, got none"),
    ("12가-", "serial must be 4 digits, got none"),
    ("12", "usage syllable is missing after class number 12"),
    ("123456", "usage syllable is missing after class number 123456"),
    ("서울12", "usage syllable is missing after class number 12"),
    ("가1234", "class number is missing before usage syllable '가'"),
    ("가", "class number is missing before usage syllable '가'"),
    ("서울", "class number is missing after region '서울'"),
    ("서울가1234", "class number is missing after region '서울'"),
    ("서우12가3456", "unknown region '서우'"),
    ("평양12가3456", "unknown region '평양'"),
    ("차12가3456", "plate must start with a class number, a region or a diplomatic prefix"),
    ("가나다12가3456", "plate must start with a class number, a region or a diplomatic prefix"),
    ("12가3456가", "unexpected '가' after the serial 3456"),
    ("12가3456차", "unexpected '차' after the serial 3456"),
    ("외교", "diplomatic plate: '외교' must be followed by 6 digits (3 + 3), got none"),
    ("외교12345", "diplomatic plate: '외교' must be followed by 6 digits (3 + 3), got 5"),
    ("외교1234567", "diplomatic plate: '외교' must be followed by 6 digits (3 + 3), got 7"),
    ("외교123가456", "diplomatic plate: unexpected '가'"),
    ("외교123456가", "diplomatic plate: unexpected '가'"),
    ("외교가123456", "diplomatic plate: unexpected '가' after '외교'"),
    ("12A3456", "character 'A' (U+0041) cannot appear in a plate"),
    ("12ga3456", "character 'g' (U+0067) cannot appear in a plate"),
    ("12가3456!", "character '!' (U+0021) cannot appear in a plate"),
    ("１２가３４５６Ｘ", "character 'Ｘ' (U+FF38) cannot appear in a plate"),
    ("12가3456\n", "character U+000A cannot appear in a plate"),
    ("12\t가3456", "character U+0009 cannot appear in a plate"),
    ("12가3456\x00", "character U+0000 cannot appear in a plate"),
    ("\x1b[31m12가3456", "character U+001B cannot appear in a plate"),
    ("\u200b12가3456", "character U+200B cannot appear in a plate"),
    ("12가\u03013456", "character U+0301 cannot appear in a plate"),
    ("12ㄱ3456", "character 'ㄱ' (U+3131) cannot appear in a plate"),
    ("12\u1100 \u11613456", "character 'ᄀ' (U+1100) cannot appear in a plate"),
    ("١٢가٣٤٥٦", "character '١' (U+0661) cannot appear in a plate"),
    ("12가3456🚗", "character '🚗' (U+1F697) cannot appear in a plate"),
    ("\ud800", "character U+D800 cannot appear in a plate"),
    ("12가3456" * 3, "plate is too long: 21 characters after removing separators (at most 16)"),
    ("1" * 300, "plate is too long: 300 characters (at most 16)"),
]


def test_at_least_forty_invalid_forms() -> None:
    assert len(INVALID) >= 40


@pytest.mark.parametrize(("text", "reason"), INVALID)
def test_invalid_forms_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(PlateError) as caught:
        parse(text)
    assert caught.value.reason.startswith(reason), caught.value.reason
    assert str(caught.value) == caught.value.reason
    result = check(text)
    assert (result.valid, result.normalized, result.plate) == (False, None, None)
    assert result.error == caught.value.reason


def test_errors_name_the_field() -> None:
    fields = {
        "12차3456": "usage",
        "00가1234": "class",
        "12가345": "serial",
        "평양12가3456": "region",
        "12A3456": "character",
        "1" * 20: "length",
        "외교1": "diplomatic",
    }
    for text, field in fields.items():
        with pytest.raises(PlateError) as caught:
            parse(text)
        assert caught.value.field == field, text


def test_check_of_a_non_string_is_an_error_not_a_crash() -> None:
    result = check(1234)  # type: ignore[arg-type]
    assert result.valid is False
    assert result.error == "plate must be text, not int"
