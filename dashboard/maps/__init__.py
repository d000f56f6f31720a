"""Situation maps: the mayor's command map and the governor's overview map (folium + Leaflet).

Nothing here imports streamlit or the database: services hand over plain frames, pages pass the
returned ``folium.Map`` to ``streamlit_folium.st_folium``.

Input contract
--------------
wards (also ``areas`` of the overview map)
    GeoDataFrame in EPSG:4326 (other CRSs are converted), one row per area, with
    ``code`` (str), ``name`` (display name), ``level`` (int 0..4: 0 no reports .. 4 critical),
    ``silent`` (bool: no report for 30 min during disaster mode) and, optionally,
    ``open_shelters``, ``evacuees``, ``capacity``, ``reports``, ``casualties`` (ints or None)
    and ``last_report_at`` (tz-aware datetime or None). ``wards.attrs["attribution"]`` (plain
    text), if set, is credited on the map (e.g. the boundary data's source).
shelters
    DataFrame with ``id``, ``name``, ``kind`` ("designated", "welfare", "emergency_site",
    "adhoc"), ``lat``, ``lon``, ``capacity``, ``state`` ("preparing", "open", "full", "closed",
    or None if never reported), ``evacuees``, ``updated_at`` (tz-aware or None).
reports
    DataFrame with ``id``, ``lat``, ``lon``, ``category`` (a key of
    ``dashboard.domain.DAMAGE_CATEGORIES``), ``severity`` (1..4), ``review_state``,
    ``description``, ``dead``, ``injured``, ``missing``, ``trapped``, ``reported_at``
    (tz-aware) and ``ward_code``.
    Areas may also carry ``ack`` ("waiting"/"done"/None): the state of the directive the map
    follows; ``selected`` (codes) are outlined.
t
    ``t(key) -> str`` for every user-facing string: the ``map.*`` keys of
    :mod:`dashboard.maps.texts` and the shared vocabulary (``category.*``, ``shelter_kind.*``,
    ``severity.N``, ``review.*``). :func:`dashboard.maps.texts.make_translate` makes one.
now
    tz-aware datetime: ages ("12分前") count from it, to the minute.
tiles
    A key of :data:`TILE_PROVIDERS`: "none" (default, no tile requests at all), "gsi_std",
    "gsi_pale" (地理院タイル) or "osm"; or a base map the app serves from a local tile file:
    "local", "demo" or a ``.mbtiles``/``.pmtiles`` path (see :mod:`dashboard.maps.basemap`).

All user text (names, descriptions) is escaped wherever it is rendered.
"""

from dashboard.maps.assets import (
    DEFAULT_ASSET_URL,
    STATIC_DIR,
    OfflineMap,
    create_offline_map,
    install_assets,
    list_asset_urls,
)
from dashboard.maps.command_map import (
    LiveMap,
    build_command_map,
    build_overview_map,
    encode_situation,
    live_map,
    map_shell,
)
from dashboard.maps.fetched import fetched_live_map
from dashboard.maps.legend import (
    AVAILABILITIES,
    LEVEL_COLORS,
    LEVEL_STYLES,
    REPORT_STYLES,
    SHELTER_SYMBOLS,
    SILENT_STYLE,
)
from dashboard.maps.published import MAPDATA_ROUTE, PUBLISHED, Published, PublishedMaps
from dashboard.maps.staffing import add_staffing_layer, staffing_payload
from dashboard.maps.tiles import TILE_PROVIDERS, TileProvider, register_tile_provider

__all__ = [
    "AVAILABILITIES",
    "DEFAULT_ASSET_URL",
    "MAPDATA_ROUTE",
    "PUBLISHED",
    "Published",
    "PublishedMaps",
    "LEVEL_COLORS",
    "LEVEL_STYLES",
    "REPORT_STYLES",
    "SHELTER_SYMBOLS",
    "SILENT_STYLE",
    "STATIC_DIR",
    "TILE_PROVIDERS",
    "OfflineMap",
    "LiveMap",
    "TileProvider",
    "add_staffing_layer",
    "build_command_map",
    "build_overview_map",
    "create_offline_map",
    "encode_situation",
    "fetched_live_map",
    "install_assets",
    "list_asset_urls",
    "live_map",
    "map_shell",
    "register_tile_provider",
    "staffing_payload",
]
