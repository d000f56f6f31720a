"""The base map served by the app itself from a local tile file (no request leaves the LAN).

``DASHBOARD_TILES`` chooses it:

``local``
    the MBTiles or PMTiles file named by ``DASHBOARD_TILES_FILE`` (a path to such a file as the
    value of ``DASHBOARD_TILES`` itself works as well);
``demo``
    the demo's own schematic base layer (:mod:`dashboard.maps.demo_basemap`), drawn once into the
    data directory on first use. It is the default in demo mode.

The browser asks ``/tiles/{z}/{x}/{y}.png?v=…`` of the app (``dashboard.web``); ``v`` names the
file's version, so a browser may keep tiles for a day and still sees a replaced file at once.
A setting that points at a missing or unusable file leaves the map without a base layer (the
ward polygons remain) and says why in the log: a wrong path must not take the map down.
"""

from __future__ import annotations

import hashlib
import html
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from dashboard.maps import demo_basemap
from dashboard.maps.tilefiles import TileFile, TileFileError, TileFileInfo, open_tile_file
from dashboard.settings import Settings, get_settings

# Keys of DASHBOARD_TILES served from a local file.
LOCAL_KEY, DEMO_KEY = "local", "demo"
# Suffixes that make a DASHBOARD_TILES value a path to a tile file.
TILE_FILE_SUFFIXES = (".mbtiles", ".pmtiles")
# Where the browser asks for tiles (the route in dashboard.web).
TILE_ROUTE = "/tiles"
# Deepest zoom of the map over a local base map: Leaflet enlarges the file's deepest tiles.
MAP_MAX_ZOOM = 18

log = logging.getLogger(__name__)
_lock = threading.Lock()
# Open files by (path, inode, mtime, size): a replaced file is opened anew.
_open_files: dict[tuple, TileFile] = {}
# Warnings already logged, so a wrong setting is reported once, not on every map refresh.
_warned: set[str] = set()


@dataclass(frozen=True)
class BaseMapLayer:
    """What the map page needs for a local base map: URL template, credit, zooms and area."""

    url: str
    attribution_html: str
    min_zoom: int
    max_native_zoom: int
    # (west, south, east, north) in degrees, or None when the file does not say.
    bounds: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class LocalBaseMap:
    """A local tile file ready to serve: its reader and the URL's version."""

    file: TileFile
    version: str
    attribution_html: str

    @property
    def info(self) -> TileFileInfo:
        return self.file.info

    def layer(self) -> BaseMapLayer:
        return _layer(self.info, self.version, self.attribution_html)


def _layer(info: TileFileInfo, version: str, attribution_html: str) -> BaseMapLayer:
    return BaseMapLayer(
        url=f"{TILE_ROUTE}/{{z}}/{{x}}/{{y}}.{info.extension}?v={version}",
        attribution_html=attribution_html,
        min_zoom=info.min_zoom,
        max_native_zoom=info.max_zoom,
        bounds=info.bounds,
    )


def is_local_choice(tiles: str) -> bool:
    """Whether ``tiles`` (DASHBOARD_TILES) asks for a base map from a local file."""
    return tiles in (LOCAL_KEY, DEMO_KEY) or tiles.lower().endswith(TILE_FILE_SUFFIXES)


def tile_file_path(tiles: str, settings: Settings) -> Path | None:
    """The file DASHBOARD_TILES points at (None when it names no local file)."""
    if tiles == DEMO_KEY:
        return demo_basemap.demo_basemap_path(settings.data_dir)
    if tiles == LOCAL_KEY:
        if settings.tiles_file is None:
            raise TileFileError("DASHBOARD_TILES=local needs DASHBOARD_TILES_FILE (a file path)")
        return Path(settings.tiles_file)
    if tiles.lower().endswith(TILE_FILE_SUFFIXES):
        return Path(tiles)
    return None


def base_map_layer(tiles: str, settings: Settings | None = None) -> BaseMapLayer | None:
    """The layer the map draws for ``tiles``, or None (not a local choice, or unusable: logged).

    The demo's layer is known without its file, which is drawn on the first tile request."""
    settings = settings or get_settings()
    if tiles == DEMO_KEY:
        credit = settings.tiles_attribution or demo_basemap.DEMO_ATTRIBUTION
        return _layer(demo_basemap.DEMO_INFO, demo_basemap.demo_version(), html.escape(credit))
    served = local_base_map(tiles, settings)
    return None if served is None else served.layer()


def local_base_map(
    tiles: str | None = None, settings: Settings | None = None
) -> LocalBaseMap | None:
    """The local tile file chosen by ``tiles`` (default: the setting), open, or None.

    None when the choice is not a local file, and when the file cannot serve (logged once).
    The demo's file is drawn here when it is missing."""
    settings = settings or get_settings()
    tiles = settings.tiles if tiles is None else tiles
    if not is_local_choice(tiles):
        return None
    try:
        path = tile_file_path(tiles, settings)
        if path is None:
            return None
        if tiles == DEMO_KEY:
            demo_basemap.ensure_demo_basemap(settings.data_dir)
            version = demo_basemap.demo_version()
        else:
            version = None
        return _open(path, settings.tiles_attribution, version)
    except TileFileError as exc:
        _warn_once(f"base map {tiles!r} not available, the map shows no base layer: {exc}")
        return None


def _open(path: Path, attribution_setting: str | None, version: str | None) -> LocalBaseMap:
    try:
        stat = path.stat()
    except OSError as exc:
        raise TileFileError(f"cannot read the tile file {path}: {exc.strerror}") from None
    resolved = str(path.resolve())
    identity = (resolved, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    with _lock:
        opened = _open_files.get(identity)
        if opened is None:
            opened = open_tile_file(path)
            # A replaced file: forget the old reader (requests under way still hold it).
            for old in [key for key in _open_files if key[0] == resolved]:
                del _open_files[old]
            _open_files[identity] = opened
    version = version or hashlib.sha256(repr(identity).encode()).hexdigest()[:12]
    credit = attribution_setting or opened.info.attribution or opened.info.name or path.name
    return LocalBaseMap(opened, version, html.escape(credit))


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning(message)
