"""Loading boundary files and building the prefecture -> city -> ward tree."""

import json
import zipfile

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box

from geo import BoundaryFileError, build_hierarchy, load_boundaries, normalise_code

# Two adjacent squares near Osaka City Hall, lon/lat degrees.
KITA = box(135.49, 34.69, 135.51, 34.71)
CHUO = box(135.51, 34.67, 135.53, 34.69)


def n03_frame(rows, crs="EPSG:4326"):
    """A GeoDataFrame shaped like the national N03 file from (pref, city, name, code, geom)."""
    return gpd.GeoDataFrame(
        [
            {"N03_001": p, "N03_003": c, "N03_004": n, "N03_007": code, "geometry": g}
            for p, c, n, code, g in rows
        ],
        geometry="geometry",
        crs=crs,
    )


def load_frame(frame, tmp_path):
    """Write a frame as GeoJSON and load it back through load_boundaries."""
    path = tmp_path / "areas.geojson"
    frame.to_file(path, driver="GeoJSON")
    return load_boundaries(path)


def two_wards():
    return n03_frame(
        [("大阪府", "大阪市", "北区", "27127", KITA), ("大阪府", "大阪市", "中央区", "27128", CHUO)]
    )


# --- the real Osaka file ---------------------------------------------------------------------


def test_osaka_file_loads_72_municipalities_in_wgs84(osaka_areas):
    assert len(osaka_areas) == 72
    assert osaka_areas.crs.to_epsg() == 4326
    assert osaka_areas["code"].str.fullmatch(r"\d{5}").all()
    assert osaka_areas["code"].is_unique
    assert list(osaka_areas.columns) == [
        "code",
        "prefecture",
        "city",
        "name",
        "name_en",
        "geometry",
    ]
    assert set(osaka_areas.geom_type) <= {"Polygon", "MultiPolygon"}
    assert osaka_areas.is_valid.all()
    kita = osaka_areas.set_index("code").loc["27127"]
    assert (kita["prefecture"], kita["city"], kita["name"]) == ("大阪府", "大阪市", "北区")
    toyonaka = osaka_areas.set_index("code").loc["27203"]
    assert toyonaka["city"] is None and toyonaka["name"] == "豊中市"


def test_osaka_hierarchy_has_prefecture_two_designated_cities_and_their_wards(osaka_areas):
    tree = build_hierarchy(osaka_areas).set_index("code")
    assert len(tree) == 72 + 1 + 2
    assert list(tree.columns) == ["parent_code", "level", "name_ja", "name_en", "geometry"]

    prefectures = tree[tree["level"] == "prefecture"]
    assert list(prefectures.index) == ["27000"]
    assert prefectures.loc["27000", "name_ja"] == "大阪府"
    assert prefectures.loc["27000", "parent_code"] is None

    for city_code, name, ward_count in (("27100", "大阪市", 24), ("27140", "堺市", 7)):
        city = tree.loc[city_code]
        assert (city["name_ja"], city["level"], city["parent_code"]) == (
            name,
            "municipality",
            "27000",
        )
        wards = tree[tree["parent_code"] == city_code]
        assert len(wards) == ward_count
        assert (wards["level"] == "ward").all()
        assert city.geometry.area == pytest.approx(
            shapely.area(wards.geometry.values).sum(), rel=1e-3
        )

    assert tree.loc["27127", "parent_code"] == "27100"
    assert tree.loc["27141", "parent_code"] == "27140"
    # 72 areas - 31 wards = 41 ordinary municipalities (towns in 郡 included) under the prefecture.
    under_prefecture = tree[(tree["parent_code"] == "27000") & ~tree.index.isin(["27100", "27140"])]
    assert len(under_prefecture) == 41
    assert tree.loc["27301", "level"] == "municipality"  # 三島郡 島本町 is not a ward
    total = shapely.area(osaka_areas.geometry.values).sum()
    assert tree.loc["27000"].geometry.area == pytest.approx(total, rel=1e-3)


def test_tokyo_special_wards_stay_municipalities(tmp_path):
    tokyo = n03_frame(
        [("東京都", None, "千代田区", "13101", KITA), ("東京都", None, "中央区", "13102", CHUO)]
    )
    tree = build_hierarchy(load_frame(tokyo, tmp_path)).set_index("code")
    assert list(tree.index) == ["13000", "13101", "13102"]
    assert set(tree.loc[["13101", "13102"], "level"]) == {"municipality"}
    assert tree.loc["13000", "name_en"] == "Tokyo Metropolis"


# --- formats and encodings ---------------------------------------------------------------------


def write_cp932_shapefile(folder, *, with_cpg):
    """A shapefile whose .dbf is Shift_JIS (CP932), as Japanese GIS software writes it."""
    path = folder / "wards.shp"
    two_wards().to_file(path, encoding="cp932")
    dbf = path.with_suffix(".dbf")
    assert "中央区".encode("cp932") in dbf.read_bytes()  # really CP932 on disk
    if not with_cpg:
        path.with_suffix(".cpg").unlink()
        data = bytearray(dbf.read_bytes())
        data[29] = 0  # no language driver id either: nothing in the file names its encoding
        dbf.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("with_cpg", [True, False], ids=["cpg", "no-cpg"])
def test_cp932_shapefile_keeps_japanese_names(tmp_path, with_cpg):
    areas = load_boundaries(write_cp932_shapefile(tmp_path, with_cpg=with_cpg))
    assert list(areas["name"]) == ["北区", "中央区"]
    assert list(areas["city"]) == ["大阪市", "大阪市"]
    assert list(areas["prefecture"]) == ["大阪府", "大阪府"]


def test_utf8_shapefile_without_cpg(tmp_path):
    path = tmp_path / "wards.shp"
    two_wards().to_file(path, encoding="utf-8")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    assert list(load_boundaries(path)["name"]) == ["北区", "中央区"]


def test_zip_of_shapefile(tmp_path):
    write_cp932_shapefile(tmp_path, with_cpg=False)
    archive = tmp_path / "N03-20240101_27_GML.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("wards.*"):
            z.write(part, f"N03-20240101_27_GML/{part.name}")
    areas = load_boundaries(archive)
    assert list(areas["code"]) == ["27127", "27128"]
    assert list(areas["name"]) == ["北区", "中央区"]


def test_geopackage(tmp_path):
    path = tmp_path / "wards.gpkg"
    two_wards().to_file(path, layer="wards", driver="GPKG")
    areas = load_boundaries(path)
    assert list(areas["name"]) == ["北区", "中央区"]
    assert areas.crs.to_epsg() == 4326


def test_generic_columns_and_numeric_codes_are_zero_padded(tmp_path):
    frame = gpd.GeoDataFrame(
        {"code": [1101, 1102], "name": ["中央区", "北区"], "name_en": ["Chuo", "Kita"]},
        geometry=[KITA, CHUO],
        crs="EPSG:4326",
    )
    path = tmp_path / "sapporo.gpkg"
    frame.to_file(path)
    areas = load_boundaries(path)
    assert list(areas["code"]) == ["01101", "01102"]
    assert list(areas["name_en"]) == ["Chuo", "Kita"]
    assert list(areas["prefecture"]) == ["北海道", "北海道"]  # filled in from the code


# --- cleaning ----------------------------------------------------------------------------------


def test_rows_without_code_are_dropped(tmp_path):
    frame = n03_frame(
        [
            ("大阪府", "大阪市", "北区", "27127", KITA),
            ("大阪府", None, "所属未定地", None, box(135.40, 34.60, 135.41, 34.61)),
        ]
    )
    areas = load_frame(frame, tmp_path)
    assert list(areas["code"]) == ["27127"]


def test_self_intersecting_polygon_is_made_valid(tmp_path):
    bowtie = shapely.Polygon([(135.50, 34.68), (135.52, 34.70), (135.52, 34.68), (135.50, 34.70)])
    assert not bowtie.is_valid
    areas = load_frame(n03_frame([("大阪府", "大阪市", "北区", "27127", bowtie)]), tmp_path)
    geometry = areas.geometry.iloc[0]
    assert geometry.is_valid
    assert geometry.geom_type in {"Polygon", "MultiPolygon"}
    assert geometry.area == pytest.approx(0.02 * 0.02 / 2)  # the two triangles of the bow tie


def test_multipart_rows_for_one_code_are_dissolved(tmp_path):
    island = box(135.40, 34.60, 135.41, 34.61)
    frame = n03_frame(
        [
            ("大阪府", "大阪市", "此花区", "27104", KITA),
            ("大阪府", "大阪市", "此花区", "27104", island),
        ]
    )
    areas = load_frame(frame, tmp_path)
    assert len(areas) == 1
    assert areas.geometry.iloc[0].area == pytest.approx(KITA.area + island.area)


def test_projected_file_is_reprojected_to_wgs84(tmp_path):
    path = tmp_path / "wards_jgd2011.gpkg"
    two_wards().to_crs("EPSG:6674").to_file(path)
    areas = load_boundaries(path)
    assert areas.crs.to_epsg() == 4326
    west, south, east, north = areas.total_bounds
    assert (west, south, east, north) == pytest.approx((135.49, 34.67, 135.53, 34.71), abs=1e-6)


def test_file_without_crs_in_lonlat_is_taken_as_wgs84(tmp_path):
    path = tmp_path / "wards.shp"
    two_wards().to_file(path, encoding="utf-8")
    path.with_suffix(".prj").unlink()
    assert load_boundaries(path).crs.to_epsg() == 4326


# --- files that cannot be used -----------------------------------------------------------------


def write_geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def square_feature(properties):
    return {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(KITA)}


def bad_no_code_column(tmp_path):
    return write_geojson(tmp_path / "a.geojson", [square_feature({"名称": "北区"})])


def bad_no_geometry(tmp_path):
    feature = {"type": "Feature", "properties": {"N03_007": "27127"}, "geometry": None}
    return write_geojson(tmp_path / "a.geojson", [feature])


def bad_points_only(tmp_path):
    feature = {
        "type": "Feature",
        "properties": {"code": "27127"},
        "geometry": {"type": "Point", "coordinates": [135.5, 34.7]},
    }
    return write_geojson(tmp_path / "a.geojson", [feature])


def bad_text_named_geojson(tmp_path):
    path = tmp_path / "a.geojson"
    path.write_text("区名,人口\n北区,141000\n", "utf-8")
    return path


def bad_shift_jis_geojson(tmp_path):
    path = tmp_path / "a.geojson"
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [square_feature({"code": "27127", "name": "北区"})],
        },
        ensure_ascii=False,
    )
    path.write_bytes(text.encode("cp932"))  # GeoJSON must be UTF-8
    return path


def bad_text_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a geodata file", "utf-8")
    return path


def bad_empty_zip(tmp_path):
    path = tmp_path / "empty.zip"
    zipfile.ZipFile(path, "w").close()
    return path


def bad_zip_without_dataset(tmp_path):
    path = tmp_path / "readme.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("README.txt", "no data here")
    return path


def bad_corrupt_zip(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    return path


def bad_missing_file(tmp_path):
    return tmp_path / "missing.geojson"


def bad_letters_in_code(tmp_path):
    return write_geojson(tmp_path / "a.geojson", [square_feature({"code": "KITA"})])


def bad_projected_without_crs(tmp_path):
    path = tmp_path / "wards.shp"
    two_wards().to_crs("EPSG:6674").to_file(path, encoding="utf-8")
    path.with_suffix(".prj").unlink()
    return path


@pytest.mark.parametrize(
    ("make_file", "reason", "words"),
    [
        (bad_no_code_column, "no_code_column", "N03_007"),
        (bad_no_geometry, "no_geometry", "geometry"),
        (bad_points_only, "no_geometry", "polygon"),
        (bad_text_named_geojson, "unreadable", "unreadable"),
        (bad_shift_jis_geojson, "bad_encoding", "UTF-8"),
        (bad_text_file, "unsupported_format", "GeoJSON"),
        (bad_empty_zip, "empty", "empty"),
        (bad_zip_without_dataset, "unsupported_format", "readme.zip"),
        (bad_corrupt_zip, "unreadable", "broken.zip"),
        (bad_missing_file, "unreadable", "does not exist"),
        (bad_letters_in_code, "bad_code", "KITA"),
        (bad_projected_without_crs, "no_crs", "coordinate reference system"),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_unusable_file_raises_boundary_file_error(tmp_path, make_file, reason, words):
    with pytest.raises(BoundaryFileError) as caught:
        load_boundaries(make_file(tmp_path))
    assert caught.value.reason == reason
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_no_code_column_error_lists_columns_found(tmp_path):
    with pytest.raises(BoundaryFileError) as caught:
        load_boundaries(bad_no_code_column(tmp_path))
    assert caught.value.detail == "columns found: 名称"
    assert str(caught.value) == (
        "no municipality code column (expected N03_007 or code): columns found: 名称"
    )


# --- codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("27127", "27127"),
        (27127, "27127"),
        (1101, "01101"),
        ("1101", "01101"),
        (1101.0, "01101"),
        ("２７１２７", "27127"),
        ("271004", "27100"),  # 6-digit local government code with check digit
        ("131016", "13101"),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_normalise_code(value, code):
    assert normalise_code(value) == code


@pytest.mark.parametrize("value", ["271005", "abc", "123", "1234567", "99001"])
def test_normalise_code_rejects(value):
    with pytest.raises(ValueError):
        normalise_code(value)
