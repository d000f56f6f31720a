"""Form input typed on phones with a Japanese IME: what is accepted and what is refused."""

from __future__ import annotations

import re

import pytest

from dashboard.services.inputs import (
    INPUT_TEXTS,
    InputError,
    check_text,
    normalize_number_text,
    parse_coordinates,
    parse_int,
)

OSAKA_CITY_HALL = (34.6937, 135.5022)


def refusal(func, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        func(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("３４．６９", "34.69"),
        ("  12  ", "12"),
        ("\u300012\u3000", "12"),  # ideographic spaces around the number
        ("－５", "-5"),  # full-width hyphen-minus
        ("ー５", "-5"),  # the IME gives ー for the minus key
        ("−5", "-5"),  # U+2212 minus sign
        ("- 5", "-5"),
        ("１，２３４", "1234"),
        ("1,234,567.5", "1234567.5"),
        ("１、２３４", "1234"),  # the IME gives 、 for the comma key
        ("３４。６９", "34.69"),  # and 。 for the period key
        ("1,5", "1,5"),  # not a thousands group: left for the parser to refuse
        ("１２３４５６", "123456"),
    ],
)
def test_normalize_number_text(typed: str, expected: str) -> None:
    assert normalize_number_text(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("0", 0), ("１２", 12), ("1,200", 1200), (" ３ ", 3), ("3.0", 3), ("+7", 7)],
)
def test_parse_int_accepts(typed: str, expected: int) -> None:
    assert parse_int(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "required"),
        ("   ", "required"),
        ("\u3000", "required"),
        (None, "required"),
        ("abc", "not_a_number"),
        ("十二", "not_a_number"),
        ("1,5", "not_a_number"),
        ("1e3", "not_a_number"),
        ("nan", "not_a_number"),
        ("12人", "not_a_number"),
        ("1ー2", "not_a_number"),
        ("3.5", "not_whole"),
        ("３．５", "not_whole"),
        ("ー１", "too_small"),
    ],
)
def test_parse_int_refuses(typed: str | None, reason: str) -> None:
    assert refusal(parse_int, typed).reason == reason


def test_parse_int_bounds_are_inclusive_and_reported() -> None:
    assert parse_int("1", minimum=1, maximum=10) == 1
    assert parse_int("10", minimum=1, maximum=10) == 10
    assert parse_int("-3", minimum=None) == -3

    low = refusal(parse_int, "0", minimum=1, maximum=10)
    high = refusal(parse_int, "１１", minimum=1, maximum=10)

    assert (low.reason, low.params) == ("too_small", {"minimum": 1})
    assert (high.reason, high.params) == ("too_large", {"maximum": 10})
    assert low.message("ja") == "1以上の値を入力してください"
    assert high.message("en") == "Enter 10 or less"


@pytest.mark.parametrize(
    "typed",
    [
        "34.6937, 135.5022",
        "34.6937,135.5022",
        "３４．６９３７，１３５．５０２２",
        "３４．６９３７、１３５．５０２２",
        "34.6937 135.5022",
        "３４．６９３７　１３５．５０２２",
        "34.6937N, 135.5022E",
        "34.6937 N 135.5022 E",
        "34.6937n 135.5022e",
        "34.6937°N, 135.5022°E",
        "N34.6937 E135.5022",
        "北緯34.6937 東経135.5022",
        "北緯３４．６９３７度、東経１３５．５０２２度",
        "135.5022E, 34.6937N",
        "(34.6937, 135.5022)",
        "  34.6937 / 135.5022  ",
    ],
)
def test_parse_coordinates_accepts_common_forms(typed: str) -> None:
    assert parse_coordinates(typed) == pytest.approx(OSAKA_CITY_HALL)


def test_parse_coordinates_signs_and_hemispheres() -> None:
    assert parse_coordinates("-33.8688, 151.2093") == pytest.approx((-33.8688, 151.2093))
    assert parse_coordinates("ー３３．８６８８，１５１．２０９３") == pytest.approx(
        (-33.8688, 151.2093)
    )
    assert parse_coordinates("33.8688S 151.2093E") == pytest.approx((-33.8688, 151.2093))
    assert parse_coordinates("51.5 N, 0.12 W") == pytest.approx((51.5, -0.12))


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "required"),
        (None, "required"),
        ("34.6937", "coordinates_format"),
        ("34.6937, 135.5022, 10", "coordinates_format"),
        ("大阪市役所", "coordinates_format"),
        ("34.6937135.5022", "coordinates_format"),
        ("34.6937E, 135.5022E", "coordinates_format"),
        ("135.5022E 34.6937", "coordinates_format"),
        ("-34.6 S, 135.5 E", "coordinates_format"),
        ("34°41'37\"N 135°30'8\"E", "coordinates_format"),
        ("95, 135.5", "lat_range"),
        ("135.5022, 34.6937", "lat_range"),  # swapped: the latitude check catches it
        ("-90.5, 135.5", "lat_range"),
        ("34.69, 180.01", "lon_range"),
        ("34.69, -200", "lon_range"),
    ],
)
def test_parse_coordinates_refuses(typed: str | None, reason: str) -> None:
    assert refusal(parse_coordinates, typed).reason == reason


def test_coordinate_range_messages_name_the_limits() -> None:
    assert refusal(parse_coordinates, "95, 135").message("ja") == (
        "緯度は-90〜90の範囲で入力してください"
    )
    assert refusal(parse_coordinates, "35, 181").message("en") == (
        "Longitude must be between -180 and 180"
    )
    assert parse_coordinates("90, -180") == (90.0, -180.0)


def test_check_text_strips_and_keeps_what_was_written() -> None:
    typed = "\u3000 北区で冠水（ＪＲ線高架下）\r\n通行止め \x00"

    assert check_text(typed, max_len=100) == "北区で冠水（ＪＲ線高架下）\n通行止め"
    assert check_text(None, max_len=10) == ""
    assert check_text("  ", max_len=10) == ""


def test_check_text_required_and_length_limit() -> None:
    assert refusal(check_text, " \u3000 ", max_len=10, required=True).reason == "required"
    assert check_text("あ" * 10, max_len=10) == "あ" * 10

    too_long = refusal(check_text, "あ" * 11, max_len=10)

    assert (too_long.reason, too_long.params) == ("too_long", {"max_len": 10, "length": 11})
    assert too_long.message("ja") == "10文字以内で入力してください（現在11文字）"


def test_every_message_has_both_languages_and_fills_its_placeholders() -> None:
    params = {"minimum": 0, "maximum": 10, "max_len": 200, "length": 201}
    for key, texts in INPUT_TEXTS.items():
        assert key.startswith("input.")
        assert set(texts) == {"ja", "en"}
        placeholders = {tuple(re.findall(r"{(\w+)}", text)) for text in texts.values()}
        assert len(placeholders) == 1, f"{key}: ja and en use different placeholders"
        for text in texts.values():
            filled = text.format(**params)
            assert filled and "{" not in filled


def test_every_reason_raised_has_a_message() -> None:
    errors = [
        refusal(parse_int, ""),
        refusal(parse_int, "x"),
        refusal(parse_int, "1.5"),
        refusal(parse_int, "-1"),
        refusal(parse_int, "11", maximum=10),
        refusal(parse_coordinates, "x"),
        refusal(parse_coordinates, "91, 0"),
        refusal(parse_coordinates, "0, 181"),
        refusal(check_text, "abc", max_len=2),
    ]
    for error in errors:
        assert error.key == f"input.{error.reason}"
        assert error.message("ja") and error.message("en")
