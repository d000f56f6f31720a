"""Administrative boundary files: load, clean and arrange them into a jurisdiction tree.

Reads the national boundary dataset (国土数値情報 行政区域 N03) or a simpler file with ``code`` and
``name`` columns, as GeoJSON, Shapefile, GeoPackage or a zip of one of those, and returns one
polygonal row per municipality in EPSG:4326.
"""

import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.files import BoundaryFileError, read_raw

# CRS of every GeoDataFrame this module returns: WGS 84 longitude/latitude.
OUTPUT_CRS = "EPSG:4326"

# Column order of load_boundaries' result.
AREA_COLUMNS = ["code", "prefecture", "city", "name", "name_en", "geometry"]

# Column order of build_hierarchy's result.
HIERARCHY_COLUMNS = ["code", "parent_code", "level", "name_ja", "name_en", "geometry"]

# Source column for each output column, per known file layout; the first layout whose code
# column is present wins. N03: 001 prefecture, 003 city or county, 004 ward/town/village, 007 code.
COLUMN_LAYOUTS = {
    "n03": {"code": "N03_007", "prefecture": "N03_001", "city": "N03_003", "name": "N03_004"},
    "generic": {
        "code": "code",
        "prefecture": "prefecture",
        "city": "city",
        "name": "name",
        "name_en": "name_en",
    },
}

# JIS prefecture code -> (Japanese name, English name); fills in files without a prefecture column.
PREFECTURES = {
    "01": ("北海道", "Hokkaido"),
    "02": ("青森県", "Aomori Prefecture"),
    "03": ("岩手県", "Iwate Prefecture"),
    "04": ("宮城県", "Miyagi Prefecture"),
    "05": ("秋田県", "Akita Prefecture"),
    "06": ("山形県", "Yamagata Prefecture"),
    "07": ("福島県", "Fukushima Prefecture"),
    "08": ("茨城県", "Ibaraki Prefecture"),
    "09": ("栃木県", "Tochigi Prefecture"),
    "10": ("群馬県", "Gunma Prefecture"),
    "11": ("埼玉県", "Saitama Prefecture"),
    "12": ("千葉県", "Chiba Prefecture"),
    "13": ("東京都", "Tokyo Metropolis"),
    "14": ("神奈川県", "Kanagawa Prefecture"),
    "15": ("新潟県", "Niigata Prefecture"),
    "16": ("富山県", "Toyama Prefecture"),
    "17": ("石川県", "Ishikawa Prefecture"),
    "18": ("福井県", "Fukui Prefecture"),
    "19": ("山梨県", "Yamanashi Prefecture"),
    "20": ("長野県", "Nagano Prefecture"),
    "21": ("岐阜県", "Gifu Prefecture"),
    "22": ("静岡県", "Shizuoka Prefecture"),
    "23": ("愛知県", "Aichi Prefecture"),
    "24": ("三重県", "Mie Prefecture"),
    "25": ("滋賀県", "Shiga Prefecture"),
    "26": ("京都府", "Kyoto Prefecture"),
    "27": ("大阪府", "Osaka Prefecture"),
    "28": ("兵庫県", "Hyogo Prefecture"),
    "29": ("奈良県", "Nara Prefecture"),
    "30": ("和歌山県", "Wakayama Prefecture"),
    "31": ("鳥取県", "Tottori Prefecture"),
    "32": ("島根県", "Shimane Prefecture"),
    "33": ("岡山県", "Okayama Prefecture"),
    "34": ("広島県", "Hiroshima Prefecture"),
    "35": ("山口県", "Yamaguchi Prefecture"),
    "36": ("徳島県", "Tokushima Prefecture"),
    "37": ("香川県", "Kagawa Prefecture"),
    "38": ("愛媛県", "Ehime Prefecture"),
    "39": ("高知県", "Kochi Prefecture"),
    "40": ("福岡県", "Fukuoka Prefecture"),
    "41": ("佐賀県", "Saga Prefecture"),
    "42": ("長崎県", "Nagasaki Prefecture"),
    "43": ("熊本県", "Kumamoto Prefecture"),
    "44": ("大分県", "Oita Prefecture"),
    "45": ("宮崎県", "Miyazaki Prefecture"),
    "46": ("鹿児島県", "Kagoshima Prefecture"),
    "47": ("沖縄県", "Okinawa Prefecture"),
}

# Weights of the check digit of 6-digit local government codes (総務省 全国地方公共団体コード).
CHECK_DIGIT_WEIGHTS = (6, 5, 4, 3, 2)


def normalise_code(value: object) -> str | None:
    """Return a JIS municipality code as a 5-digit string.

    Parameters
    ----------
    value : str, int, float or None
        ``27127``, ``"27127"``, ``1101`` (leading zero lost by a spreadsheet), ``1101.0``,
        full-width digits, or a 6-digit code with its check digit (``"271276"``).

    Returns
    -------
    str or None
        ``"27127"``, ``"01101"``; None for an empty value.

    Raises
    ------
    ValueError
        For anything else (letters, wrong length, bad check digit, unknown prefecture).
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"\.0*$", "", text)  # 27127.0 from a numeric column
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) not in (4, 5, 6):
        raise ValueError(f"not a municipality code: {value!r}")
    if len(text) == 6:
        weighted = sum(int(d) * w for d, w in zip(text[:5], CHECK_DIGIT_WEIGHTS, strict=True))
        if (11 - weighted % 11) % 10 != int(text[5]):
            raise ValueError(f"bad check digit in municipality code: {value!r}")
        text = text[:5]
    code = text.zfill(5)
    if code[:2] not in PREFECTURES:
        raise ValueError(f"unknown prefecture in municipality code: {value!r}")
    return code


def load_boundaries(path: str | Path) -> gpd.GeoDataFrame:
    """Load municipality boundaries from a file, cleaned and in EPSG:4326.

    Parameters
    ----------
    path : str or Path
        GeoJSON (``.geojson``/``.json``), Shapefile (``.shp``; the ``.dbf`` may be Shift_JIS),
        GeoPackage (``.gpkg``) or a ``.zip`` holding one of those. Columns are those of the
        national dataset N03 (``N03_001`` prefecture, ``N03_003`` city or county, ``N03_004``
        ward/town/village, ``N03_007`` code) or ``code``, ``name`` and optionally ``name_en``,
        ``prefecture``, ``city``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per municipality code, sorted by code, CRS EPSG:4326, columns ``code`` (5-digit
        str), ``prefecture`` (str), ``city`` (str or None), ``name`` (ward/town/village, or the
        city's name), ``name_en`` (str or None), ``geometry`` (Polygon or MultiPolygon). Rows
        without a code (所属未定地) are dropped; parts sharing a code are merged; invalid polygons
        are repaired. A file without CRS is taken as EPSG:4326 when its coordinates fit lon/lat.

    Raises
    ------
    BoundaryFileError
        When the file cannot be used; ``reason`` says why.
    """
    raw = read_raw(Path(path))
    areas = _standardise_columns(raw)
    areas = _clean_geometry(areas)
    areas = _to_output_crs(areas)
    areas = areas.dissolve(by="code", aggfunc="first", as_index=False)
    areas["geometry"] = [_polygonal_part(g) for g in areas.geometry]
    return areas[AREA_COLUMNS].sort_values("code").reset_index(drop=True)


def build_hierarchy(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Arrange municipalities into prefecture -> municipality -> ward.

    A designated city (政令指定都市) is recognised by rows whose ``city`` ends with 市 and whose
    ``name`` ends with 区 (大阪市 北区); it gets its own row, coded from its smallest ward code
    rounded down to a multiple of 10 (27102 -> 27100 大阪市, 27141 -> 27140 堺市), with the wards
    as children. Tokyo's special wards (no ``city``) stay municipalities.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        The result of :func:`load_boundaries`.

    Returns
    -------
    geopandas.GeoDataFrame
        Sorted by code, in the CRS of ``areas`` (EPSG:4326), columns ``code``, ``parent_code``
        (None for a prefecture), ``level`` (``"prefecture"``, ``"municipality"`` or ``"ward"``),
        ``name_ja``, ``name_en`` (may be None), ``geometry`` (union of the children for a
        prefecture or designated city).
    """
    areas = areas.reset_index(drop=True)
    prefecture_code = areas["code"].str[:2] + "000"
    in_city = areas["city"].fillna("").str.endswith("市")
    is_ward = in_city & areas["name"].fillna("").str.endswith("区")

    prefectures = [
        {
            "code": code,
            "parent_code": None,
            "level": "prefecture",
            "name_ja": group["prefecture"].dropna().iloc[0],
            "name_en": PREFECTURES[code[:2]][1],
            "geometry": group.geometry.union_all(),
        }
        for code, group in areas.groupby(prefecture_code)
    ]

    cities = []
    city_code_of_ward = {}
    for (parent, city), wards in areas[is_ward].groupby([prefecture_code[is_ward], "city"]):
        code = f"{int(wards['code'].min()) // 10 * 10:05d}"
        city_code_of_ward.update(dict.fromkeys(wards["code"], code))
        cities.append(
            {
                "code": code,
                "parent_code": parent,
                "level": "municipality",
                "name_ja": city,
                "name_en": None,
                "geometry": wards.geometry.union_all(),
            }
        )

    municipalities = pd.DataFrame(
        {
            "code": areas["code"],
            "parent_code": [
                city_code_of_ward.get(code, parent)
                for code, parent in zip(areas["code"], prefecture_code, strict=True)
            ],
            "level": is_ward.map({True: "ward", False: "municipality"}),
            "name_ja": areas["name"],
            "name_en": areas["name_en"],
            "geometry": areas.geometry,
        }
    )
    tree = pd.concat([pd.DataFrame(prefectures + cities), municipalities], ignore_index=True)
    tree = tree.astype(object).where(tree.notna(), None)
    tree = gpd.GeoDataFrame(tree[HIERARCHY_COLUMNS], geometry="geometry", crs=areas.crs)
    return tree.sort_values("code").reset_index(drop=True)


def _standardise_columns(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rename the source columns to AREA_COLUMNS, normalise codes, drop rows without a code."""
    by_lower = {str(c).lower(): c for c in raw.columns}
    layout = next(
        (cols for cols in COLUMN_LAYOUTS.values() if cols["code"].lower() in by_lower), None
    )
    if layout is None:
        found = ", ".join(str(c) for c in raw.columns if c != raw.geometry.name) or "none"
        raise BoundaryFileError("no_code_column", f"columns found: {found}")

    def column(key: str) -> pd.Series:
        source = by_lower.get(layout.get(key, "").lower())
        values = raw[source] if source is not None else pd.Series(None, index=raw.index)
        values = values.astype(object)
        return values.where(values.notna() & (values.astype(str).str.strip() != ""), None)

    try:
        codes = column("code").map(normalise_code)
    except ValueError as error:
        raise BoundaryFileError("bad_code", str(error)) from error
    areas = gpd.GeoDataFrame(
        {
            "code": codes,
            "prefecture": column("prefecture"),
            "city": column("city"),
            "name": column("name"),
            "name_en": column("name_en"),
        },
        geometry=raw.geometry.values,
        crs=raw.crs,
    )
    areas = areas[areas["code"].notna()].copy()
    if areas.empty:
        raise BoundaryFileError("empty", "no row has a municipality code")
    known = areas["code"].str[:2].map(lambda p: PREFECTURES[p][0])
    areas["prefecture"] = areas["prefecture"].where(areas["prefecture"].notna(), known)
    # A row of a city that is not split further carries its name in the city column only.
    areas["name"] = areas["name"].where(areas["name"].notna(), areas["city"])
    areas["name"] = areas["name"].where(areas["name"].notna(), areas["code"])
    return areas


def _clean_geometry(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Repair invalid geometry, keep polygonal parts, drop rows left without any."""
    repaired = shapely.make_valid(areas.geometry.values, method="structure", keep_collapsed=False)
    areas = areas.set_geometry([_polygonal_part(g) for g in repaired], crs=areas.crs)
    areas = areas[areas.geometry.notna()]
    if areas.empty:
        raise BoundaryFileError("no_geometry", "no row has a polygon")
    return areas


def _polygonal_part(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """The polygons of a geometry as a Polygon or MultiPolygon; None when it has none."""
    if geom is None:
        return None
    parts = shapely.get_parts(shapely.get_parts(geom))  # twice: collections may hold multis
    polygons = [p for p in parts if isinstance(p, shapely.Polygon) and not p.is_empty]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _to_output_crs(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; a file without CRS must already be in lon/lat."""
    if areas.crs is None:
        west, south, east, north = areas.total_bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise BoundaryFileError(
                "no_crs", f"bounds {west:.0f}, {south:.0f}, {east:.0f}, {north:.0f}"
            )
        return areas.set_crs(OUTPUT_CRS)
    return areas.to_crs(OUTPUT_CRS)
