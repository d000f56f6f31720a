"""The demo's own base layer: an MBTiles file drawn with Pillow, once, into the data directory.

It gives the demo city orientation without the internet: the sea of Osaka Bay, the main rivers,
the JR loop line and its main stations, the demo's schematic ward boundaries with their names
and the neighbouring cities' names. The coast, rivers and railway are a few hand-typed points
each (:mod:`dashboard.maps.demo_geography`), drawn as a schematic and credited so on the map.

Drawing is cheap because most tiles are plain land or plain sea: a tile that no line or label
touches is not drawn but points at one stored image (MBTiles' ``map`` + ``images`` layout, read
through the standard ``tiles`` view). Each tile is drawn at twice its size and reduced, so lines
and text are smooth. Japanese labels need a Japanese font (IPA ゴシック or Noto Sans CJK); without
one the labels are written in romaji with Pillow's own font, and the file name says which.
"""

from __future__ import annotations

import io
import math
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from PIL import Image, ImageDraw, ImageFont

from dashboard import demo_city
from dashboard.maps import demo_geography as g
from dashboard.maps.tilefiles import TileFileInfo

# Bump when the drawing changes: the file name and the tile URLs change with it.
DEMO_VERSION = "demo1"
DEMO_MIN_ZOOM, DEMO_MAX_ZOOM = 9, 15
# Area covered at every zoom (west, south, east, north): Osaka Bay and the city's neighbours.
DEMO_BOUNDS = (135.0, 34.30, 135.75, 34.90)
# Japanese only: the credit sits in every map of a Japanese UI (the English UI reads it too).
DEMO_ATTRIBUTION = "基図：デモ用の模式図（区境・海岸線・河川・鉄道は概略）"
DEMO_INFO = TileFileInfo(
    format="png",
    min_zoom=DEMO_MIN_ZOOM,
    max_zoom=DEMO_MAX_ZOOM,
    bounds=DEMO_BOUNDS,
    attribution=DEMO_ATTRIBUTION,
    name="Osaka demo (schematic)",
)
# Fonts with Japanese glyphs, first found wins (fonts-ipafont-gothic, fonts-noto-cjk).
JAPANESE_FONTS = (
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
TILE = 256
# Tiles are drawn this many times larger, then reduced (smooth lines and text).
SCALE = 2
LAND, SEA = (244, 241, 234), (170, 211, 223)
WARD_LINE, CITY_LINE = (150, 140, 175), (105, 90, 140)
RAIL, TEXT, HALO = (120, 120, 120), (45, 45, 45), (255, 255, 255)
# Label sizes in pixels and the zooms from which they show: wards, neighbours, stations/rivers.
# A ward's name sits where the command map puts its own label (the polygon's centre, same
# size), so with the ward layer on the map's label covers it, and with it off it still reads.
WARD_LABEL, PLACE_LABEL, SMALL_LABEL = (11, 12), (13, 11), (11, 13)
# Metres per pixel at the equator at zoom 0.
EQUATOR_M_PER_PX = 40075016.686 / TILE

_build_lock = threading.Lock()


def japanese_font() -> str | None:
    """Path of a font with Japanese glyphs, or None."""
    return next((path for path in JAPANESE_FONTS if os.path.isfile(path)), None)


def demo_version() -> str:
    """The version of the demo file this machine draws (with or without Japanese labels)."""
    return f"{DEMO_VERSION}-{'ja' if japanese_font() else 'latin'}"


def demo_basemap_path(data_dir: Path) -> Path:
    return Path(data_dir) / f"basemap-{demo_version()}.mbtiles"


def ensure_demo_basemap(data_dir: Path) -> Path:
    """The demo's base map file, drawn now if missing (once per process at a time).

    Written under a temporary name and renamed, so a reader never sees half a file; two
    processes drawing at once both write the same tiles and the last rename wins."""
    path = demo_basemap_path(data_dir)
    if path.is_file():
        return path
    with _build_lock:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_demo_basemap(path)
    return path


# --- projection ------------------------------------------------------------------------------


def _px(lon: np.ndarray, lat: np.ndarray, z: int) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates at zoom ``z`` (origin north-west, y down)."""
    size = TILE * (1 << z)
    x = (np.asarray(lon, dtype=float) + 180.0) / 360.0 * size
    y = (1.0 - np.arcsinh(np.tan(np.radians(np.asarray(lat, dtype=float)))) / math.pi) / 2 * size
    return x, y


def _project(geom: shapely.Geometry, z: int) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.column_stack(_px(c[:, 0], c[:, 1], z)))


def _tile_range(z: int) -> tuple[range, range]:
    west, south, east, north = DEMO_BOUNDS
    (x0, x1), (y0, y1) = (
        v // TILE for v in _px(np.array([west, east]), np.array([north, south]), z)
    )
    return range(int(x0), int(x1) + 1), range(int(y0), int(y1) + 1)


# --- what is drawn ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    text: str
    lon: float
    lat: float
    size: int
    color: tuple[int, int, int] = TEXT


@dataclass
class Scene:
    """Everything drawn at one zoom, in that zoom's pixel coordinates."""

    sea: shapely.Geometry
    rivers: list[tuple[shapely.Geometry, float]]
    rail: shapely.Geometry | None
    wards: list[shapely.Geometry]
    city: shapely.Geometry
    stations: list[tuple[float, float]]
    # text, x, y, font, colour, and the (left, top, right, bottom) the label covers.
    labels: list[tuple[str, float, float, ImageFont.ImageFont, tuple[int, int, int], tuple]]
    # Everything that marks a tile, as one tree of shapes: a tile it misses is plain.
    marks: shapely.STRtree


@cache
def _font(size: int) -> ImageFont.ImageFont:
    path = japanese_font()
    if path:
        return ImageFont.truetype(path, size * SCALE)
    return ImageFont.load_default(size * SCALE)


def _wards() -> list[tuple[str, str, shapely.Geometry, tuple[float, float]]]:
    """The demo's schematic wards: the same cells as the demo database's (services.demo)."""
    import pandas as pd

    import geo  # geopandas: loaded only when drawing

    points = pd.DataFrame(demo_city.WARDS, columns=["code", "name_ja", "name_en", "lat", "lon"])
    wards = geo.schematic_areas(points)
    return [
        (row.name_ja, row.name_en, row.geometry, (row.geometry.centroid.x, row.geometry.centroid.y))
        for row in wards.itertuples(index=False)
    ]


def _labels(z: int, wards: Sequence) -> list[Label]:
    ja = japanese_font() is not None
    labels: list[Label] = []
    for name_ja, name_en, (lon, lat) in g.WATER_LABELS:
        labels.append(Label(name_ja if ja else name_en, lon, lat, 13, (70, 110, 140)))
    if z <= 11:
        city_lon, city_lat = 135.505, 34.675
        labels.append(Label(demo_city.CITY[1] if ja else demo_city.CITY[2], city_lon, city_lat, 15))
    if z >= PLACE_LABEL[1]:
        for name_ja, name_en, (lon, lat) in g.NEIGHBOURS:
            labels.append(
                Label(name_ja if ja else name_en, lon, lat, PLACE_LABEL[0], (110, 110, 110))
            )
    if z >= WARD_LABEL[1]:
        for name_ja, name_en, _, (lon, lat) in wards:
            labels.append(Label(name_ja if ja else name_en, lon, lat, WARD_LABEL[0]))
    if z >= SMALL_LABEL[1]:
        for name_ja, name_en, (lon, lat) in g.STATIONS:
            labels.append(Label(name_ja if ja else name_en, lon, lat + 0.0025, SMALL_LABEL[0]))
        for name_ja, name_en, _, line in g.RIVERS:
            lon, lat = line[len(line) // 2]
            labels.append(
                Label(name_ja if ja else name_en, lon, lat, SMALL_LABEL[0], (50, 100, 140))
            )
    return labels


def _scene(z: int, wards: Sequence) -> Scene:
    m_per_px = EQUATOR_M_PER_PX / (1 << z) * math.cos(math.radians(34.7))
    sea = _project(shapely.Polygon(g.OSAKA_BAY), z)
    rivers = [
        (_project(shapely.LineString(line), z), min(max(width / m_per_px, 1.5), 14.0))
        for _, _, width, line in g.RIVERS
    ]
    ward_shapes = [_project(shape, z) for _, _, shape, _ in wards]
    city = shapely.union_all(ward_shapes)
    rail = _project(shapely.LineString(g.LOOP_LINE), z) if z >= 12 else None
    stations = (
        [tuple(float(v[0]) for v in _px([lon], [lat], z)) for _, _, (lon, lat) in g.STATIONS]
        if z >= SMALL_LABEL[1]
        else []
    )
    labels, boxes = [], []
    for label in _labels(z, wards):
        font = _font(label.size)
        x, y = (float(v[0]) for v in _px([label.lon], [label.lat], z))
        left, top, right, bottom = font.getbbox(label.text, anchor="mm", stroke_width=2 * SCALE)
        extent = (x + left / SCALE, y + top / SCALE, x + right / SCALE, y + bottom / SCALE)
        labels.append((label.text, x, y, font, label.color, extent))
        boxes.append(shapely.box(*extent))
    lines = [sea.exterior, *(line.buffer(width / 2 + 1) for line, width in rivers)]
    lines += [shape.boundary.buffer(2) for shape in ward_shapes]
    if rail is not None:
        lines.append(rail.buffer(3))
    lines += [shapely.Point(s).buffer(5) for s in stations]
    return Scene(
        sea=sea,
        rivers=rivers,
        rail=rail,
        wards=ward_shapes,
        city=city,
        stations=stations,
        labels=labels,
        marks=shapely.STRtree(lines + boxes),
    )


def _draw_tile(scene: Scene, x: int, y: int) -> Image.Image:
    ox, oy = x * TILE, y * TILE
    image = Image.new("RGB", (TILE * SCALE, TILE * SCALE), LAND)
    draw = ImageDraw.Draw(image)

    def pts(geom: shapely.Geometry) -> list[tuple[float, float]]:
        return [((cx - ox) * SCALE, (cy - oy) * SCALE) for cx, cy in geom.coords]

    draw.polygon(pts(scene.sea.exterior), fill=SEA)
    for line, width in scene.rivers:
        draw.line(pts(line), fill=SEA, width=round(width * SCALE), joint="curve")
    for shape in scene.wards:
        for ring in _rings(shape):
            draw.line(pts(ring), fill=WARD_LINE, width=SCALE, joint="curve")
    for ring in _rings(scene.city):
        draw.line(pts(ring), fill=CITY_LINE, width=2 * SCALE, joint="curve")
    if scene.rail is not None:
        draw.line(pts(scene.rail), fill=RAIL, width=3 * SCALE, joint="curve")
        draw.line(pts(scene.rail), fill=HALO, width=SCALE, joint="curve")
    for sx, sy in scene.stations:
        cx, cy, r = (sx - ox) * SCALE, (sy - oy) * SCALE, 4 * SCALE
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=HALO, outline=RAIL, width=SCALE)
    for text, lx, ly, font, color, (left, top, right, bottom) in scene.labels:
        if right < ox or left > ox + TILE or bottom < oy or top > oy + TILE:
            continue  # drawn by the tiles it covers only
        position = ((lx - ox) * SCALE, (ly - oy) * SCALE)
        draw.text(
            position,
            text,
            font=font,
            fill=color,
            anchor="mm",
            stroke_width=2 * SCALE,
            stroke_fill=HALO,
        )
    return image.reduce(SCALE)


def _rings(shape: shapely.Geometry) -> Iterable[shapely.Geometry]:
    for polygon in getattr(shape, "geoms", [shape]):
        yield polygon.exterior
        yield from polygon.interiors


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(
        buffer, format="PNG", optimize=False
    )
    return buffer.getvalue()


def render_demo_tiles() -> Iterable[tuple[int, int, int, bytes | str]]:
    """(z, x, y, PNG bytes) of every drawn tile, or (z, x, y, "land"/"sea") for a plain one."""
    wards = _wards()
    for z in range(DEMO_MIN_ZOOM, DEMO_MAX_ZOOM + 1):
        scene = _scene(z, wards)
        shapely.prepare(scene.sea)
        xs, ys = _tile_range(z)
        for x in xs:
            for y in ys:
                box = shapely.box(x * TILE, y * TILE, (x + 1) * TILE, (y + 1) * TILE)
                if len(scene.marks.query(box, predicate="intersects")) == 0:
                    centre = shapely.Point((x + 0.5) * TILE, (y + 0.5) * TILE)
                    yield z, x, y, "sea" if scene.sea.contains(centre) else "land"
                else:
                    yield z, x, y, _png(_draw_tile(scene, x, y))


def write_demo_basemap(path: Path) -> None:
    """Draw the demo base map into a new MBTiles file at ``path`` (replacing it atomically)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        with conn:
            conn.executescript(
                """
                CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE images (tile_id TEXT PRIMARY KEY, tile_data BLOB);
                CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                                  tile_id TEXT, PRIMARY KEY (zoom_level, tile_column, tile_row));
                CREATE VIEW tiles AS SELECT map.zoom_level, map.tile_column, map.tile_row,
                    images.tile_data FROM map JOIN images ON images.tile_id = map.tile_id;
                """
            )
            for colour, name in ((LAND, "land"), (SEA, "sea")):
                plain = _png(Image.new("RGB", (TILE, TILE), colour))
                conn.execute("INSERT INTO images VALUES (?, ?)", (name, plain))
            for z, x, y, data in render_demo_tiles():
                tile_id = data if isinstance(data, str) else f"{z}/{x}/{y}"
                if not isinstance(data, str):
                    conn.execute("INSERT INTO images VALUES (?, ?)", (tile_id, data))
                row = (1 << z) - 1 - y  # MBTiles rows count from the south (TMS)
                conn.execute("INSERT INTO map VALUES (?, ?, ?, ?)", (z, x, row, tile_id))
            west, south, east, north = DEMO_BOUNDS
            meta = {
                "name": DEMO_INFO.name,
                "format": "png",
                "type": "baselayer",
                "version": demo_version(),
                "minzoom": str(DEMO_MIN_ZOOM),
                "maxzoom": str(DEMO_MAX_ZOOM),
                "bounds": f"{west},{south},{east},{north}",
                "attribution": DEMO_ATTRIBUTION,
                "description": "Schematic base map of the Osaka demo, drawn by the dashboard.",
            }
            conn.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
        conn.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
