"""Reading boundary files: GeoJSON, Shapefile (with Shift_JIS/CP932 attribute tables), GeoPackage,
or a zip of one of those, with clear errors for what cannot be used."""

import codecs
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio

# Tried for a shapefile .dbf without a .cpg once UTF-8 fails: Japanese GIS data is mostly Shift_JIS.
FALLBACK_DBF_ENCODING = "cp932"

# .cpg labels Python does not know, or knows as a narrower codec than the files really use.
CPG_ALIASES = {"932": "cp932", "sjis": "cp932", "shift_jis": "cp932", "shift-jis": "cp932"}

# Largest total uncompressed size taken from a zip, so a zip bomb cannot fill the disk.
MAX_UNZIPPED_BYTES = 2 * 1024**3

# English message for each BoundaryFileError.reason; the app translates by reason.
ERROR_MESSAGES = {
    "unreadable": "unreadable file",
    "bad_encoding": "text in an unexpected character encoding (expected UTF-8 or Shift_JIS)",
    "unsupported_format": (
        "unsupported format (expected GeoJSON, Shapefile, GeoPackage or a .zip of one of those)"
    ),
    "no_code_column": "no municipality code column (expected N03_007 or code)",
    "bad_code": "invalid municipality code (expected a 5-digit JIS code such as 27127)",
    "no_geometry": "no polygon geometry",
    "no_crs": "no coordinate reference system, and the coordinates are not longitude/latitude",
    "empty": "no areas",
    "multiple_datasets": "more than one dataset of the same kind in the zip archive",
}


class BoundaryFileError(ValueError):
    """A boundary file that cannot be used, and why.

    Attributes
    ----------
    reason : str
        Short machine key, one of ``ERROR_MESSAGES`` (e.g. ``"no_code_column"``), for translation.
    detail : str
        What was found instead (columns present, the bad value, the file name); may be empty.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        message = ERROR_MESSAGES[reason]
        super().__init__(f"{message}: {detail}" if detail else message)


def _read_vector(path: Path, **options: object) -> gpd.GeoDataFrame:
    """Read one vector file with pyogrio, turning its failures into BoundaryFileError."""
    try:
        frame = pyogrio.read_dataframe(path, **options)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as error:
        raise BoundaryFileError("unreadable", f"{path.name}: {error}") from error
    except UnicodeDecodeError as error:
        raise BoundaryFileError("bad_encoding", f"{path.name}: {error}") from error
    if not isinstance(frame, gpd.GeoDataFrame):  # attribute-only table (e.g. GeoPackage)
        raise BoundaryFileError("no_geometry", path.name)
    return frame


def _read_shapefile(path: Path) -> gpd.GeoDataFrame:
    """Read a shapefile, decoding its .dbf per its .cpg, else as UTF-8, else as CP932."""
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        label = cpg.read_text(encoding="ascii", errors="ignore").strip()
        encoding = CPG_ALIASES.get(label.lower(), label)
        try:
            codecs.lookup(encoding)
        except LookupError:
            return _read_vector(path)  # let GDAL interpret a label Python does not know
        return _read_vector(path, encoding=encoding)
    try:
        return _read_vector(path, encoding="utf-8")
    except BoundaryFileError as error:
        if error.reason != "bad_encoding":
            raise
        return _read_vector(path, encoding=FALLBACK_DBF_ENCODING)


def _read_geopackage(path: Path) -> gpd.GeoDataFrame:
    """Read the first polygon layer of a GeoPackage (or its first layer if none is polygonal)."""
    try:
        layers = pyogrio.list_layers(path)
    except (pyogrio.errors.DataSourceError, OSError) as error:
        raise BoundaryFileError("unreadable", f"{path.name}: {error}") from error
    if len(layers) == 0:
        raise BoundaryFileError("empty", f"{path.name} has no layers")
    polygonal = [name for name, kind in layers if kind and "Polygon" in kind]
    return _read_vector(path, layer=polygonal[0] if polygonal else layers[0][0])


def _read_zip(path: Path) -> gpd.GeoDataFrame:
    """Extract a zip to a temporary folder and read the one dataset inside."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir() and not m.filename.startswith("__MACOSX/")
            ]
            if not members:
                raise BoundaryFileError("empty", f"{path.name} is an empty zip archive")
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise BoundaryFileError("unreadable", f"{path.name} unpacks to too much data")
            with tempfile.TemporaryDirectory() as folder:
                archive.extractall(folder, members)  # extractall strips ../ and absolute paths
                return read_raw(_pick_dataset(Path(folder), path.name))
    except (zipfile.BadZipFile, OSError) as error:
        raise BoundaryFileError("unreadable", f"{path.name}: {error}") from error


def _pick_dataset(folder: Path, archive_name: str) -> Path:
    """The dataset in an extracted zip: a GeoPackage, else a GeoJSON, else a Shapefile.

    The national N03 zips hold the same data as both GeoJSON and Shapefile, hence a preference
    rather than an error when kinds are mixed.
    """
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")]
    for suffixes in ((".gpkg",), (".geojson", ".json"), (".shp",)):
        found = [p for p in files if p.suffix.lower() in suffixes]
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise BoundaryFileError("multiple_datasets", f"{archive_name}: {names}")
        if found:
            return found[0]
    raise BoundaryFileError(
        "unsupported_format", f"no GeoJSON, Shapefile or GeoPackage in {archive_name}"
    )


# File suffix -> reader returning the file's rows as they are (columns and CRS untouched).
READERS: dict[str, Callable[[Path], gpd.GeoDataFrame]] = {
    ".geojson": _read_vector,
    ".json": _read_vector,
    ".shp": _read_shapefile,
    ".gpkg": _read_geopackage,
    ".zip": _read_zip,
}


def read_raw(path: Path) -> gpd.GeoDataFrame:
    """Read a boundary file of any supported format without interpreting its columns."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise BoundaryFileError("unsupported_format", path.name)
    if not path.is_file():
        raise BoundaryFileError("unreadable", f"{path} does not exist")
    return reader(path)
