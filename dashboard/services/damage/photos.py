"""Photos attached to damage reports: validate, strip metadata, resize, thumbnail.

Ward staff upload photos from phones. Phone photos carry EXIF with the GPS position of
the photographer (often a private home) and other device data, so nothing from the
original file is stored: the pixels are decoded, oriented, resized and re-encoded, and
only the colour profile is carried over. The type is decided from the content, never
from the file name.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

# How many photos one damage report may carry.
MAX_PHOTOS = 5
# Upload size limit per photo; phone JPEG/HEIC photos are 2-6 MB.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Pixel cap against decompression bombs; 48-64 MP phone sensors fit, decoded RGB stays < ~200 MB.
MAX_PIXELS = 64_000_000
# Long edge of the stored image; enough to read a street sign, small enough for a city LAN.
MAX_EDGE = 2048
# Shrinking first reduces by a whole factor while the image stays >= this many times the target
# (Pillow's own default; 3.0 took about twice as long on a 64 MP photo for no visible gain).
REDUCING_GAP = 2.0
# Long edge of the list/map thumbnail.
THUMBNAIL_EDGE = 480
# JPEG quality for stored images and thumbnails.
JPEG_QUALITY = 85

register_heif_opener()


class PhotoError(ValueError):
    """A photo was rejected; ``reason`` is a short key, ``params`` fill the message.

    ``key`` ("photo.<reason>") names the text in PHOTO_TEXTS, like ServiceError keys.
    """

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(f"{reason}: {params}" if params else reason)
        self.reason = reason
        self.key = f"photo.{reason}"
        self.params = params

    def message(self, lang: str = "ja") -> str:
        """The user-facing text for this error in ``lang`` ("ja" or "en")."""
        return PHOTO_TEXTS[self.key][lang].format(**self.params)


# User-facing messages for PhotoError reasons, keyed like the app's other texts.
PHOTO_TEXTS: dict[str, dict[str, str]] = {
    "photo.too_large": {
        "ja": "写真のサイズが大きすぎます（上限 {max_mb} MB）",
        "en": "The photo is too large (limit {max_mb} MB)",
    },
    "photo.not_an_image": {
        "ja": "画像ファイルではないか、ファイルが壊れています",
        "en": "The file is not an image or is damaged",
    },
    "photo.unsupported_type": {
        "ja": "この画像形式は使えません（JPEG・PNG・HEIC のみ）",
        "en": "This image format is not supported (JPEG, PNG or HEIC only)",
    },
    "photo.too_many": {
        "ja": "写真は {maximum} 枚までです",
        "en": "Up to {maximum} photos per report",
    },
    "photo.decompression_bomb": {
        "ja": "画像の画素数が多すぎます（上限 {max_megapixels} 百万画素）",
        "en": "The image has too many pixels (limit {max_megapixels} megapixels)",
    },
}


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo ready to store: re-encoded without metadata, plus a JPEG thumbnail."""

    content_type: str
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    original_bytes: int

    @property
    def extension(self) -> str:
        """File extension matching ``content_type`` (".jpg" or ".png")."""
        return _EXTENSIONS[self.content_type]


@dataclass(frozen=True)
class _Output:
    """How an accepted input format is stored."""

    content_type: str
    encode: Callable[[Image.Image, dict[str, Any]], bytes]


def _encode_jpeg(image: Image.Image, extra: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    _to_rgb(image).save(buffer, "JPEG", quality=JPEG_QUALITY, **extra)
    return buffer.getvalue()


def _encode_png(image: Image.Image, extra: dict[str, Any]) -> bytes:
    # PNG stays PNG: these are usually screenshots (maps, messages) where JPEG blurs text.
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False, **extra)
    return buffer.getvalue()


_JPEG = _Output("image/jpeg", _encode_jpeg)
_PNG = _Output("image/png", _encode_png)

# Accepted Pillow formats and how each is stored; MPO is how Pillow names many phone JPEGs,
# HEIF is the iPhone default and browsers cannot show it, so it becomes JPEG.
ACCEPTED_FORMATS: dict[str, _Output] = {
    "JPEG": _JPEG,
    "MPO": _JPEG,
    "HEIF": _JPEG,
    "PNG": _PNG,
}

_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}
# Pixel modes kept as decoded; others (CMYK, 16-bit, float) become RGB or RGBA.
_KEPT_MODES = {"1", "L", "LA", "P", "RGB", "RGBA"}
# Modes shrunk right after decoding (the others are converted first, then shrunk).
_RESIZABLE_MODES = _KEPT_MODES | {"CMYK", "RGBX"}


def check_photo_count(n: int) -> None:
    """Raise ``PhotoError("too_many")`` when a report would carry more than MAX_PHOTOS."""
    if n > MAX_PHOTOS:
        raise PhotoError("too_many", maximum=MAX_PHOTOS, count=n)


def process_photo(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> ProcessedPhoto:
    """Validate an uploaded photo and return a metadata-free copy and a thumbnail.

    Raises ``PhotoError`` with reason "too_large", "not_an_image", "unsupported_type"
    or "decompression_bomb".
    """
    if len(data) > max_bytes:
        max_mb = round(max_bytes / 1024 / 1024, 1)
        raise PhotoError(
            "too_large", max_mb=int(max_mb) if max_mb.is_integer() else max_mb, size_bytes=len(data)
        )
    if not data:
        raise PhotoError("not_an_image")
    image_format = _verify(data)
    output = ACCEPTED_FORMATS.get(image_format)
    if output is None:
        raise PhotoError("unsupported_type", format=image_format)
    image, icc_profile = _decode(data)
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    stored = image
    _shrink(stored, MAX_EDGE)  # already done in _decode unless the mode had to be converted
    thumb = stored.copy()
    thumb.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        content_type=output.content_type,
        data=output.encode(stored, extra),
        thumbnail=_encode_jpeg(thumb, extra),
        width=stored.width,
        height=stored.height,
        original_bytes=len(data),
    )


def _open(data: bytes) -> Image.Image:
    """Open without decoding pixels, rejecting non-images and oversized pixel counts."""
    try:
        with warnings.catch_warnings():
            # Our own cap below is stricter; Pillow's warning would only add log noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise _bomb_error() from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise PhotoError("not_an_image") from exc
    if image.width * image.height > MAX_PIXELS:
        raise _bomb_error()
    return image


def _bomb_error() -> PhotoError:
    return PhotoError("decompression_bomb", max_megapixels=MAX_PIXELS // 1_000_000)


def _verify(data: bytes) -> str:
    """Return the Pillow format name of ``data`` after a structural check."""
    image = _open(data)
    image_format = image.format or ""
    try:
        image.verify()
    except Exception as exc:  # verify() raises many types for corrupt files
        raise PhotoError("not_an_image") from exc
    return image_format


def _shrink(image: Image.Image, edge: int) -> None:
    """Resize in place to fit ``edge`` (Pillow's default reducing gap: a fast box reduction by
    an integer factor first, then Lanczos on the smaller image)."""
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _decode(data: bytes) -> tuple[Image.Image, bytes | None]:
    """Decode pixels upright and at most MAX_EDGE; return them without any metadata, plus the
    ICC profile.

    A photo near MAX_PIXELS must not be held several times at full size: JPEG is decoded at a
    reduced scale, every other format is shrunk in place right after decoding, and only the
    small image is copied, oriented or converted.
    """
    image = _open(data)
    if image.format in {"JPEG", "MPO"}:
        # Let libjpeg decode at 1/2..1/8 scale when the photo is far larger than we keep.
        image.draft(image.mode, (MAX_EDGE, MAX_EDGE))
    try:
        image.load()
        if image.mode in _RESIZABLE_MODES:
            _shrink(image, MAX_EDGE)
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as exc:
        raise PhotoError("not_an_image") from exc
    icc_profile = image.info.get("icc_profile")
    if image.mode not in _KEPT_MODES:
        if image.mode == "CMYK":
            icc_profile = None  # a CMYK profile does not describe the converted RGB pixels
        has_alpha = "A" in image.mode or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    # EXIF, XMP, GPS and PNG text chunks all live in info; keep only what describes pixels.
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    return image, icc_profile


def _to_rgb(image: Image.Image) -> Image.Image:
    """Flatten onto white for JPEG, which has no alpha channel."""
    if image.mode in {"RGB", "L"}:
        return image
    if image.mode in {"RGBA", "LA", "P", "PA"} or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
