"""Background tile providers for the situation maps.

The default is ``"none"``: the area polygons are the base map and the browser requests no tiles,
which is what an offline city LAN needs. The others fetch tiles from the internet and are for
deployments that allow it; a LAN tile server can be added with :func:`register_tile_provider`.
"""

from __future__ import annotations

from dataclasses import dataclass

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

    def to_config(self) -> dict[str, object] | None:
        """What the browser code needs to add the tile layer (None when there are no tiles)."""
        if self.url is None:
            return None
        return {
            "url": self.url,
            "attribution": self.attribution,
            "maxZoom": self.max_zoom,
            "minZoom": self.min_zoom,
        }


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
    """The provider registered as ``key``; ValueError naming the choices otherwise."""
    try:
        return TILE_PROVIDERS[key]
    except KeyError:
        choices = ", ".join(sorted(TILE_PROVIDERS))
        raise ValueError(f"unknown tiles {key!r}; choose one of: {choices}") from None
