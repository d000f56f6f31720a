"""Leaflet served by the app itself, so that a map page makes no request outside the city LAN.

folium's defaults load Leaflet, jQuery, Bootstrap, Font Awesome and awesome-markers from CDNs. The
situation maps need only Leaflet (their own code draws everything else), which the
``XStatic-Leaflet`` package ships at the exact version folium targets. :func:`install_assets`
copies it into ``dashboard/static/vendor/`` at app start; Streamlit serves that folder at
``/app/static/vendor/`` when ``[server] enableStaticServing = true``.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from pathlib import Path

import branca.element
import folium
import folium.elements

# Folder Streamlit serves as /app/static (next to dashboard/shell.py, the Streamlit script).
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Sub-folder of the static folder for copied third-party files (git-ignored).
VENDOR_DIRNAME = "vendor"
# URL under which the browser finds the vendor folder (Streamlit's static route).
DEFAULT_ASSET_URL = "/app/static/vendor"
# Files copied from XStatic-Leaflet: (path in the package data, path under vendor/).
LEAFLET_FILES: tuple[tuple[str, str], ...] = (
    ("leaflet.js", "leaflet/leaflet.js"),
    ("leaflet.css", "leaflet/leaflet.css"),
    ("images/layers.png", "leaflet/images/layers.png"),
    ("images/layers-2x.png", "leaflet/images/layers-2x.png"),
    ("images/marker-icon.png", "leaflet/images/marker-icon.png"),
    ("images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png"),
    ("images/marker-shadow.png", "leaflet/images/marker-shadow.png"),
)
# What the page loads, relative to the asset URL.
LEAFLET_JS = "leaflet/leaflet.js"
LEAFLET_CSS = "leaflet/leaflet.css"


def leaflet_source_dir() -> Path:
    """The folder of Leaflet's files inside the installed XStatic-Leaflet package."""
    try:
        import xstatic.pkg.leaflet as xstatic_leaflet
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "Leaflet's files come from the XStatic-Leaflet package: pip install XStatic-Leaflet"
        ) from exc
    return Path(xstatic_leaflet.BASE_DIR)


def install_assets(static_dir: Path | str = STATIC_DIR) -> None:
    """Copy Leaflet into ``static_dir/vendor/`` (idempotent; safe with several app processes).

    A file already identical is left alone; others are written to a temporary file and renamed,
    so a browser never receives a half-written script.
    """
    source = leaflet_source_dir()
    vendor = Path(static_dir) / VENDOR_DIRNAME
    for source_name, target_name in LEAFLET_FILES:
        src = source / source_name
        dst = vendor / target_name
        if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.")
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, dst)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def asset_links(asset_url: str = DEFAULT_ASSET_URL) -> tuple[list[tuple[str, str]], ...]:
    """(default_js, default_css) of an offline map: Leaflet only, from ``asset_url``."""
    base = asset_url.rstrip("/")
    return [("leaflet", f"{base}/{LEAFLET_JS}")], [("leaflet_css", f"{base}/{LEAFLET_CSS}")]


class OfflineMap(folium.Map):
    """A folium.Map that loads Leaflet from the app and nothing else (no tiles unless given)."""

    def __init__(self, *args: object, asset_url: str = DEFAULT_ASSET_URL, **kwargs: object):
        kwargs.setdefault("tiles", None)
        super().__init__(*args, **kwargs)
        # Instance attributes shadow folium's class-level CDN lists for both folium's own
        # rendering and streamlit-folium, which reads default_js/default_css of every element.
        self.default_js, self.default_css = asset_links(asset_url)


def create_offline_map(*, asset_url: str = DEFAULT_ASSET_URL, **kwargs: object) -> folium.Map:
    """A folium.Map whose JS/CSS come from ``asset_url`` (folium.Map keyword arguments apply)."""
    return OfflineMap(asset_url=asset_url, **kwargs)


def list_asset_urls(m: folium.Map) -> list[str]:
    """Every JS/CSS URL the elements of ``m`` ask the browser to load (as streamlit-folium does)."""
    urls: list[str] = []

    def walk(element: branca.element.Element) -> None:
        if isinstance(element, folium.elements.JSCSSMixin):
            urls.extend(url for _, url in element.default_js)
            urls.extend(url for _, url in element.default_css)
        for child in element._children.values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(urls))
