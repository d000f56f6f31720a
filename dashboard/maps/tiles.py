"""Background tile providers for the situation maps.

``"none"``: the area polygons are the base map and the browser requests no tiles. ``"local"``
(or a path to an ``.mbtiles``/``.pmtiles`` file) and ``"demo"`` are served by the app itself from
a tile file (:mod:`dashboard.maps.basemap`), so they work on an offline city LAN too; ``"demo"``
is the default in demo mode. The others fetch tiles from the internet and are for deployments
that allow it; a LAN tile server can be added with :func:`register_tile_provider`.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.maps import basemap

# Tile provider used when the caller does not choose one.
DEFAULT_TILES = "none"


@dataclass(frozen=True)
class TileProvider:
    """One background map: a Leaflet URL template (None for no tiles) and its attribution HTML.

    ``attribution`` is trusted HTML written here, never user input: Leaflet inserts it as markup.
    """

    key: str
    url: str | None
    attribution: str
    max_zoom: int = 18
    min_zoom: int = 0
    # Deepest zoom the tiles exist at (Leaflet enlarges them beyond); None: max_zoom.
    max_native_zoom: int | None = None
    # ((south, west), (north, east)) outside which no tile is asked for; None: everywhere.
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None

    def to_config(self) -> dict[str, object] | None:
        """What the browser code needs to add the tile layer (None when there are no tiles)."""
        if self.url is None:
            return None
        config: dict[str, object] = {
            "url": self.url,
            "attribution": self.attribution,
            "maxZoom": self.max_zoom,
            "minZoom": self.min_zoom,
        }
        if self.max_native_zoom is not None:
            config["maxNativeZoom"] = self.max_native_zoom
        if self.bounds is not None:
            config["bounds"] = [list(corner) for corner in self.bounds]
        return config


GSI_ATTRIBUTION = (
    '<a href="https://maps.gsi.go.jp/development/ichiran.html" target="_blank" '
    'rel="noopener noreferrer">地理院タイル</a>'
)
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" '
    'rel="noopener noreferrer">OpenStreetMap</a> contributors'
)

TILE_PROVIDERS: dict[str, TileProvider] = {
    p.key: p
    for p in (
        TileProvider("none", None, "", max_zoom=18),
        TileProvider(
            "gsi_std",
            "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
            GSI_ATTRIBUTION,
            max_zoom=18,
            min_zoom=5,
        ),
        TileProvider(
            "gsi_pale",
            "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png",
            GSI_ATTRIBUTION,
            max_zoom=18,
            min_zoom=5,
        ),
        TileProvider(
            "osm",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            OSM_ATTRIBUTION,
            max_zoom=19,
        ),
    )
}


def register_tile_provider(provider: TileProvider) -> None:
    """Add or replace a provider, e.g. a tile server on the city LAN."""
    TILE_PROVIDERS[provider.key] = provider


def get_tile_provider(key: str) -> TileProvider:
    """The provider registered as ``key``, or the app's own base map for "local", "demo" or a
    tile file's path; ValueError naming the choices otherwise.

    A local choice whose file cannot serve gives the "none" provider (the reason is logged):
    the map still shows its areas."""
    if key in TILE_PROVIDERS:
        return TILE_PROVIDERS[key]
    if basemap.is_local_choice(key):
        return local_tile_provider(key)
    choices = ", ".join([*sorted(TILE_PROVIDERS), basemap.LOCAL_KEY, basemap.DEMO_KEY])
    raise ValueError(f"unknown tiles {key!r}; choose one of: {choices} or a tile file's path")


def local_tile_provider(key: str) -> TileProvider:
    """The provider of a base map served by the app from a local tile file (see basemap)."""
    layer = basemap.base_map_layer(key)
    if layer is None:
        return TILE_PROVIDERS["none"]
    bounds = None
    if layer.bounds is not None:
        west, south, east, north = layer.bounds
        bounds = ((south, west), (north, east))
    return TileProvider(
        key,
        layer.url,
        layer.attribution_html,
        max_zoom=basemap.MAP_MAX_ZOOM,
        min_zoom=layer.min_zoom,
        max_native_zoom=layer.max_native_zoom,
        bounds=bounds,
    )
