"""Photos attached to damage reports: what is stored must be a clean, upright, bounded image."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from dashboard.services.damage import (
    MAX_EDGE,
    MAX_PHOTOS,
    PHOTO_TEXTS,
    THUMBNAIL_EDGE,
    PhotoError,
    check_photo_count,
    process_photo,
)
from dashboard.services.damage import photos as photo_module

# EXIF tag numbers used to build phone-like photos.
GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
# Osaka City Hall, as a phone would write it (degrees, minutes, seconds).
GPS_INFO = {
    1: "N",
    2: (34.0, 41.0, 37.3),
    3: "E",
    4: (135.0, 30.0, 7.9),
}


def make_exif(*, orientation: int | None = None, gps: bool = True) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = GPS_INFO
    return exif


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def split_image(size: tuple[int, int]) -> Image.Image:
    """Left half red, right half blue, so a rotation is visible in the pixels."""
    image = Image.new("RGB", size, (220, 0, 0))
    image.paste((0, 0, 220), (size[0] // 2, 0, size[0], size[1]))
    return image


def open_result(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes) -> None:
    image = open_result(data)
    assert "exif" not in image.info
    assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info
    assert len(image.getexif()) == 0
    assert not image.getexif().get_ifd(GPS_IFD)
    # Belt and braces: the raw markers must not be in the file either.
    assert b"Exif\x00\x00" not in data
    assert b"PhoneMaker" not in data


def test_jpeg_with_gps_is_stored_without_exif() -> None:
    original = encode(split_image((800, 600)), "JPEG", exif=make_exif())
    assert open_result(original).getexif().get_ifd(GPS_IFD)  # the fixture really has GPS

    photo = process_photo(original)

    assert photo.content_type == "image/jpeg"
    assert photo.extension == ".jpg"
    assert_no_metadata(photo.data)
    assert_no_metadata(photo.thumbnail)
    assert open_result(photo.data).format == "JPEG"
    assert (photo.width, photo.height) == (800, 600)
    assert photo.original_bytes == len(original)


def test_exif_rotated_photo_comes_out_upright() -> None:
    # Stored sideways (800x400) with orientation 6: the phone was held upright.
    original = encode(split_image((800, 400)), "JPEG", exif=make_exif(orientation=6))

    photo = process_photo(original)

    stored = open_result(photo.data).convert("RGB")
    assert (photo.width, photo.height) == (400, 800) == stored.size
    top, bottom = stored.getpixel((200, 100)), stored.getpixel((200, 700))
    assert top[0] > 150 and top[2] < 80  # the left (red) half is now on top
    assert bottom[2] > 150 and bottom[0] < 80
    assert open_result(photo.thumbnail).size == (240, 480)


def test_large_photo_is_capped_and_thumbnail_has_long_edge_480() -> None:
    photo = process_photo(encode(split_image((3000, 2000)), "JPEG", quality=70))

    assert (photo.width, photo.height) == (MAX_EDGE, 1365)
    assert open_result(photo.data).size == (MAX_EDGE, 1365)
    thumb = open_result(photo.thumbnail)
    assert thumb.format == "JPEG"
    assert thumb.size == (THUMBNAIL_EDGE, 320)


def test_small_photo_is_not_upscaled() -> None:
    photo = process_photo(encode(split_image((300, 200)), "JPEG"))

    assert (photo.width, photo.height) == (300, 200)
    assert open_result(photo.thumbnail).size == (300, 200)


def test_png_stays_png_with_alpha_and_loses_text_and_exif() -> None:
    # PNG is kept (lossless) because uploads of this type are mostly screenshots of maps/messages.
    image = Image.new("RGBA", (200, 100), (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 100, 100))
    text = PngImagePlugin.PngInfo()
    text.add_text("Location", "34.6937,135.5022 PhoneMaker")
    original = encode(image, "PNG", pnginfo=text, exif=make_exif())
    assert "Location" in open_result(original).info

    photo = process_photo(original)

    assert photo.content_type == "image/png"
    stored = open_result(photo.data)
    assert stored.format == "PNG"
    assert stored.mode == "RGBA"
    assert stored.getpixel((10, 10))[3] == 0 and stored.getpixel((150, 10))[3] == 255
    assert "Location" not in stored.info
    assert b"34.6937" not in photo.data
    assert_no_metadata(photo.data)
    # The JPEG thumbnail flattens transparency onto white, not black.
    assert open_result(photo.thumbnail).convert("RGB").getpixel((10, 10)) == (255, 255, 255)


def test_heic_is_accepted_and_converted_to_jpeg_without_gps() -> None:
    original = encode(split_image((640, 480)), "HEIF", exif=make_exif(), quality=60)
    assert open_result(original).format == "HEIF"
    assert open_result(original).getexif().get_ifd(GPS_IFD)  # the fixture really has GPS

    photo = process_photo(original)

    assert photo.content_type == "image/jpeg"
    stored = open_result(photo.data)
    assert stored.format == "JPEG"
    assert stored.size == (640, 480)
    assert_no_metadata(photo.data)


def test_text_file_named_like_a_jpeg_is_rejected() -> None:
    # The file name never reaches process_photo; only the bytes decide.
    fake_jpg = "避難所の写真.jpg\nThis is not a photo.\n".encode()

    with pytest.raises(PhotoError) as caught:
        process_photo(fake_jpg)

    assert caught.value.reason == "not_an_image"
    assert caught.value.message("ja") == PHOTO_TEXTS["photo.not_an_image"]["ja"]


def test_empty_and_truncated_files_are_rejected() -> None:
    whole = encode(split_image((400, 300)), "JPEG")
    for broken in (b"", whole[: len(whole) // 2]):
        with pytest.raises(PhotoError) as caught:
            process_photo(broken)
        assert caught.value.reason == "not_an_image"


def test_other_image_types_are_rejected_as_unsupported() -> None:
    gif = encode(Image.new("P", (20, 20)), "GIF")

    with pytest.raises(PhotoError) as caught:
        process_photo(gif)

    assert caught.value.reason == "unsupported_type"
    assert "JPEG" in caught.value.message("en")


def test_oversize_upload_is_rejected_before_decoding() -> None:
    original = encode(split_image((400, 300)), "JPEG")

    with pytest.raises(PhotoError) as caught:
        process_photo(original, max_bytes=len(original) - 1)

    assert caught.value.reason == "too_large"
    assert process_photo(original, max_bytes=len(original)).original_bytes == len(original)


def test_default_size_limit_is_ten_megabytes() -> None:
    with pytest.raises(PhotoError) as caught:
        process_photo(b"\xff" * (10 * 1024 * 1024 + 1))

    assert caught.value.reason == "too_large"
    assert caught.value.message("ja") == "写真のサイズが大きすぎます（上限 10 MB）"


def test_decompression_bomb_is_rejected() -> None:
    # 8100 x 8100 one-bit pixels compress to a few kB but would decode to 197 MB as RGB.
    bomb = encode(Image.new("1", (8100, 8100)), "PNG")
    assert len(bomb) < 100_000

    with pytest.raises(PhotoError) as caught:
        process_photo(bomb)

    assert caught.value.reason == "decompression_bomb"
    assert caught.value.params == {"max_megapixels": 64}


def test_pixel_cap_applies_to_jpeg_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(photo_module, "MAX_PIXELS", 100 * 100)

    with pytest.raises(PhotoError) as caught:
        process_photo(encode(split_image((101, 100)), "JPEG"))

    assert caught.value.reason == "decompression_bomb"


def test_photo_just_under_the_cap_is_kept_small_and_never_copied_at_full_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 63.99 MP: accepted; one pixel row more is refused. A PNG cannot be decoded reduced, so it
    # is shrunk in place right after decoding: no copy of it is ever made at full size (five of
    # these once took 1 GB).
    copied: list[int] = []
    original_copy = Image.Image.copy

    def counting_copy(image: Image.Image) -> Image.Image:
        copied.append(image.width * image.height)
        return original_copy(image)

    monkeypatch.setattr(Image.Image, "copy", counting_copy)
    under = encode(Image.new("L", (8000, 7999), 128), "PNG")
    over = encode(Image.new("L", (8000, 8001), 128), "PNG")

    photo = process_photo(under)

    assert photo.width == MAX_EDGE and photo.height <= MAX_EDGE
    assert copied and max(copied) <= MAX_EDGE * MAX_EDGE
    with pytest.raises(PhotoError) as caught:
        process_photo(over)
    assert caught.value.reason == "decompression_bomb"


def test_photo_count_is_limited_to_five() -> None:
    assert MAX_PHOTOS == 5
    check_photo_count(0)
    check_photo_count(5)

    with pytest.raises(PhotoError) as caught:
        check_photo_count(6)

    assert caught.value.reason == "too_many"
    assert caught.value.message("ja") == "写真は 5 枚までです"


def test_every_reason_has_both_languages() -> None:
    for reason in (
        "too_large",
        "not_an_image",
        "unsupported_type",
        "too_many",
        "decompression_bomb",
    ):
        texts = PHOTO_TEXTS[f"photo.{reason}"]
        assert set(texts) == {"ja", "en"}
        assert all(text.strip() for text in texts.values())
