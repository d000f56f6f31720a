"""Reading raster map tiles from one local file: MBTiles (SQLite) or PMTiles (one archive).

A city downloads its base map once as such a file; the app serves its tiles on the LAN
(``dashboard.web``, ``/tiles/{z}/{x}/{y}.png``), so the browser asks nothing of the internet.

Both readers are for a file the operator chose, but still read defensively: the file is opened
read-only, a tile or directory longer than its limit is refused instead of read, and a
coordinate outside the zoom's grid is "no tile". Tiles are addressed as Leaflet asks for them
(XYZ, y down from the north); MBTiles stores rows the TMS way (y up from the south), so the row
is flipped here. Only raster tiles are served: Leaflet draws images, and vector tiles would need
a renderer in the browser that the app does not ship.

Readers are safe to share between threads: an SQLite connection per thread, and the PMTiles
file mapped read-only once (slicing a mapping needs no lock).
"""

from __future__ import annotations

import html
import json
import mmap
import re
import sqlite3
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pmtiles.tile import (
    Compression,
    Entry,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)

# Longest tile served (a 256 px raster tile is rarely over 100 KB); longer ones are refused.
MAX_TILE_BYTES = 2 * 1024 * 1024
# Longest PMTiles directory read (the root is at most 16 KiB by the specification).
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024
# Longest PMTiles metadata read (JSON: name, attribution, layers).
MAX_METADATA_BYTES = 1024 * 1024
# Deepest zoom level accepted in a request (PMTiles addresses up to 31, Leaflet asks far less).
MAX_ZOOM = 24
# PMTiles nests leaf directories at most this deep (root + 3).
MAX_DIRECTORY_DEPTH = 4
# Parsed PMTiles leaf directories kept per file.
LEAF_CACHE_SIZE = 64
# Longest attribution text taken from a file's metadata.
MAX_ATTRIBUTION_CHARS = 300

# Raster formats: the name a file's metadata uses -> (URL extension, content type).
RASTER_FORMATS: dict[str, tuple[str, str]] = {
    "png": ("png", "image/png"),
    "jpg": ("jpg", "image/jpeg"),
    "jpeg": ("jpg", "image/jpeg"),
    "webp": ("webp", "image/webp"),
    "avif": ("avif", "image/avif"),
}
PMTILES_FORMATS = {
    TileType.PNG: "png",
    TileType.JPEG: "jpg",
    TileType.WEBP: "webp",
    TileType.AVIF: "avif",
}
_TAG = re.compile(r"<[^>]*>")


class TileFileError(ValueError):
    """The file cannot serve as a base map (missing, not MBTiles/PMTiles, vector tiles, …)."""


@dataclass(frozen=True)
class TileFileInfo:
    """What the map needs to know about a tile file: format, zooms, area and credit."""

    format: str  # a key of RASTER_FORMATS
    min_zoom: int
    max_zoom: int
    # (west, south, east, north) in degrees, or None when the file does not say.
    bounds: tuple[float, float, float, float] | None
    # Plain text (tags of an HTML attribution removed), "" when the file names none.
    attribution: str
    name: str = ""

    @property
    def extension(self) -> str:
        return RASTER_FORMATS[self.format][0]

    @property
    def media_type(self) -> str:
        return RASTER_FORMATS[self.format][1]


@dataclass
class TileFile:
    """An open tile file: :attr:`info` and :meth:`tile` (bytes of one tile, or None)."""

    path: Path
    info: TileFileInfo
    _read: Callable[[int, int, int], bytes | None] = field(repr=False)
    _close: Callable[[], None] = field(repr=False, default=lambda: None)

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ ``z/x/y`` (y from the north, as Leaflet asks), or None if absent."""
        if not (0 <= z <= MAX_ZOOM and 0 <= x < 1 << z and 0 <= y < 1 << z):
            return None
        if not self.info.min_zoom <= z <= self.info.max_zoom:
            return None
        return self._read(z, x, y)

    def close(self) -> None:
        self._close()


def plain_attribution(text: object) -> str:
    """A file's attribution as plain text: tags dropped, entities read, whitespace folded.

    Leaflet inserts attribution as HTML, and a downloaded file's metadata is not ours to trust;
    the result is escaped again by whoever puts it into a page."""
    if not isinstance(text, str):
        return ""
    plain = html.unescape(_TAG.sub(" ", text))
    return " ".join(plain.split())[:MAX_ATTRIBUTION_CHARS]


def _parse_bounds(value: object) -> tuple[float, float, float, float] | None:
    try:
        parts = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[arg-type]
        west, south, east, north = (float(p) for p in parts)
    except (TypeError, ValueError, AttributeError):
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


def _raster_format(name: object, path: Path) -> str:
    fmt = str(name or "").strip().lower()
    if fmt in RASTER_FORMATS:
        return "jpg" if fmt == "jpeg" else fmt
    if fmt in {"pbf", "mvt", "mlt"}:
        raise TileFileError(
            f"{path.name} holds vector tiles ({fmt}); the map draws raster tiles only "
            "(PNG, JPEG, WebP): make the file from raster tiles"
        )
    raise TileFileError(f"{path.name}: unknown tile format {fmt or '(none)'!r}")


# --- MBTiles ---------------------------------------------------------------------------------


def open_mbtiles(path: Path) -> TileFile:
    """An MBTiles file (SQLite, tables ``metadata`` and ``tiles``), opened read-only."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    local = threading.local()
    opened: list[sqlite3.Connection] = []
    lock = threading.Lock()

    def connection() -> sqlite3.Connection:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            local.conn = conn
            with lock:
                opened.append(conn)
        return conn

    try:
        rows = connection().execute("SELECT name, value FROM metadata").fetchall()
        meta = {str(k): v for k, v in rows}
        zooms = (
            connection().execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
        )
    except sqlite3.DatabaseError as exc:
        raise TileFileError(f"{path.name} is not a readable MBTiles file: {exc}") from None
    fmt = _raster_format(meta.get("format") or "png", path)
    min_zoom = _int(meta.get("minzoom"), zooms[0])
    max_zoom = _int(meta.get("maxzoom"), zooms[1])
    if min_zoom is None or max_zoom is None:
        raise TileFileError(f"{path.name} holds no tiles")
    info = TileFileInfo(
        format=fmt,
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        bounds=_parse_bounds(meta.get("bounds")),
        attribution=plain_attribution(meta.get("attribution")),
        name=str(meta.get("name") or ""),
    )

    def read(z: int, x: int, y: int) -> bytes | None:
        # One query: the length is checked before the blob is handed over.
        row = (
            connection()
            .execute(
                "SELECT length(tile_data), CASE WHEN length(tile_data) <= ? THEN tile_data END "
                "FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (MAX_TILE_BYTES, z, x, (1 << z) - 1 - y),  # TMS: rows count from the south
            )
            .fetchone()
        )
        return None if row is None or row[1] is None else bytes(row[1])

    def close() -> None:
        with lock:
            for conn in opened:
                conn.close()
            opened.clear()

    return TileFile(path, info, read, close)


def _int(value: object, fallback: object) -> int | None:
    for candidate in (value, fallback):
        try:
            return int(candidate)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
    return None


# --- PMTiles ---------------------------------------------------------------------------------


def open_pmtiles(path: Path) -> TileFile:
    """A PMTiles v3 archive, mapped read-only; directories parsed by the ``pmtiles`` package."""
    with open(path, "rb") as handle:
        try:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            raise TileFileError(f"{path.name} is empty") from None
    try:
        return _pmtiles_reader(path, data)
    except BaseException:
        data.close()
        raise


def _pmtiles_reader(path: Path, data: mmap.mmap) -> TileFile:
    size = len(data)

    def span(offset: int, length: int, limit: int) -> bytes:
        if length > limit or offset < 0 or offset + length > size:
            raise TileFileError(f"{path.name}: a directory or tile lies outside the file")
        return data[offset : offset + length]

    try:
        header = deserialize_header(span(0, 127, 127))
    except Exception:  # too short, wrong magic, unsupported version, unknown enum value
        raise TileFileError(f"{path.name} is not a PMTiles v3 archive") from None
    if header["tile_type"] not in PMTILES_FORMATS:
        name = header["tile_type"].name.lower()
        _raster_format("mvt" if name in {"mvt", "mlt"} else name, path)
    if header["tile_compression"] not in (Compression.NONE, Compression.GZIP, Compression.UNKNOWN):
        raise TileFileError(f"{path.name}: tiles compressed with an unsupported method")
    metadata = _pmtiles_metadata(span, header)
    bounds = (
        header["min_lon_e7"] / 1e7,
        header["min_lat_e7"] / 1e7,
        header["max_lon_e7"] / 1e7,
        header["max_lat_e7"] / 1e7,
    )
    info = TileFileInfo(
        format=PMTILES_FORMATS[header["tile_type"]],
        min_zoom=header["min_zoom"],
        max_zoom=header["max_zoom"],
        bounds=_parse_bounds(bounds),
        attribution=plain_attribution(metadata.get("attribution")),
        name=str(metadata.get("name") or ""),
    )
    try:
        root = deserialize_directory(span(header["root_offset"], header["root_length"], 16384))
    except (EOFError, OSError, zlib.error) as exc:
        raise TileFileError(f"{path.name}: broken root directory ({exc})") from None

    @lru_cache(maxsize=LEAF_CACHE_SIZE)
    def leaf(offset: int, length: int) -> list[Entry]:
        start = header["leaf_directory_offset"] + offset
        return deserialize_directory(span(start, length, MAX_DIRECTORY_BYTES))

    def find(z: int, x: int, y: int) -> bytes | None:
        tile_id = zxy_to_tileid(z, x, y)
        directory = root
        for _ in range(MAX_DIRECTORY_DEPTH):
            entry = find_tile(directory, tile_id)
            if entry is None:
                return None
            if entry.run_length > 0:
                start = header["tile_data_offset"] + entry.offset
                tile = span(start, entry.length, MAX_TILE_BYTES)
                if header["tile_compression"] == Compression.GZIP:
                    return _gunzip(tile)
                return tile
            directory = leaf(entry.offset, entry.length)
        return None

    def read(z: int, x: int, y: int) -> bytes | None:
        try:
            return find(z, x, y)
        except (TileFileError, EOFError, OSError, zlib.error):  # too long, or a broken leaf
            return None

    return TileFile(path, info, read, data.close)


def _pmtiles_metadata(span: Callable[[int, int, int], bytes], header: dict) -> dict:
    try:
        raw = span(header["metadata_offset"], header["metadata_length"], MAX_METADATA_BYTES)
        if header["internal_compression"] == Compression.GZIP:
            raw = _gunzip(raw, MAX_METADATA_BYTES) or b"{}"
        meta = json.loads(raw or b"{}")
    except (TileFileError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _gunzip(data: bytes, limit: int = MAX_TILE_BYTES) -> bytes | None:
    """Gzip-decompressed ``data``, or None if it is broken or would grow past ``limit``."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        return None
    return out if len(out) <= limit else None


# --- choosing the reader ---------------------------------------------------------------------

# Registry: a file's first bytes -> its reader.
READERS: tuple[tuple[bytes, Callable[[Path], TileFile]], ...] = (
    (b"SQLite format 3\x00", open_mbtiles),
    (b"PMTiles", open_pmtiles),
)


def open_tile_file(path: str | Path) -> TileFile:
    """Open an MBTiles or PMTiles file (told apart by its first bytes, not its name).

    Raises :class:`TileFileError` with a message for the operator when it cannot serve."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(16)
    except OSError as exc:
        raise TileFileError(f"cannot read the tile file {path}: {exc.strerror}") from None
    for prefix, reader in READERS:
        if magic.startswith(prefix):
            return reader(path)
    raise TileFileError(f"{path.name} is neither an MBTiles nor a PMTiles file")
