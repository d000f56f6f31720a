"""Hand-drawn, schematic geography around Osaka for the demo's base layer.

Every line here was typed by this project from general knowledge of where things are, a few
points per feature, to give orientation on the demo map: it is not survey data, is off by
hundreds of metres, and is credited on the map as a schematic for the demo. Coordinates are
(longitude, latitude) in degrees (EPSG:4326). The coast keeps west of the demo's schematic city
outline, so the demo's wards lie on land.
"""

from __future__ import annotations

# Osaka Bay (大阪湾) as one water polygon: the coast from Akashi round to Misaki, then back north
# along the east of Awaji island.
OSAKA_BAY: tuple[tuple[float, float], ...] = (
    (134.99, 34.645),  # 明石
    (135.10, 34.645),  # 須磨
    (135.20, 34.680),  # 神戸港
    (135.27, 34.705),
    (135.30, 34.720),  # 芦屋
    (135.34, 34.718),  # 西宮
    (135.37, 34.705),
    (135.400, 34.700),  # 尼崎
    (135.415, 34.690),  # 淀川の河口
    (135.413, 34.665),
    (135.420, 34.640),  # 大阪港
    (135.425, 34.615),  # 南港
    (135.446, 34.594),  # 大和川の河口
    (135.452, 34.575),  # 堺
    (135.440, 34.550),
    (135.420, 34.520),  # 高石
    (135.395, 34.500),  # 泉大津
    (135.365, 34.470),  # 岸和田
    (135.335, 34.440),  # 貝塚
    (135.300, 34.410),  # 泉佐野
    (135.250, 34.375),
    (135.200, 34.345),
    (135.150, 34.320),  # 岬
    (135.080, 34.290),
    (134.960, 34.280),  # 由良（淡路島）
    (134.900, 34.340),  # 洲本
    (134.920, 34.440),
    (134.955, 34.520),
    (134.985, 34.595),  # 岩屋
)

# Rivers: name (ja, en), width in metres (drawn no wider than that), points from upstream.
RIVERS: tuple[tuple[str, str, int, tuple[tuple[float, float], ...]], ...] = (
    (
        "淀川",
        "Yodo River",
        600,
        (
            (135.720, 34.880),
            (135.660, 34.820),
            (135.600, 34.780),
            (135.565, 34.755),
            (135.530, 34.735),
            (135.505, 34.722),
            (135.485, 34.714),
            (135.455, 34.699),
            (135.415, 34.690),
        ),
    ),
    (
        "大和川",
        "Yamato River",
        250,
        (
            (135.660, 34.585),
            (135.620, 34.592),
            (135.580, 34.600),
            (135.550, 34.598),
            (135.520, 34.588),
            (135.500, 34.584),
            (135.470, 34.589),
            (135.446, 34.594),
        ),
    ),
    (
        "神崎川",
        "Kanzaki River",
        150,
        (
            (135.565, 34.755),
            (135.530, 34.760),
            (135.500, 34.752),
            (135.470, 34.742),
            (135.440, 34.722),
            (135.400, 34.700),
        ),
    ),
    (
        "大川・安治川",
        "Okawa / Aji River",
        120,
        (
            (135.527, 34.720),
            (135.522, 34.700),
            (135.510, 34.693),
            (135.490, 34.691),
            (135.475, 34.683),
            (135.455, 34.670),
            (135.432, 34.655),
            (135.417, 34.652),
        ),
    ),
    (
        "寝屋川",
        "Neya River",
        60,
        (
            (135.620, 34.740),
            (135.590, 34.712),
            (135.560, 34.700),
            (135.535, 34.697),
            (135.522, 34.700),
        ),
    ),
)

# JR 大阪環状線 (Osaka Loop Line), a closed ring through its main stations.
LOOP_LINE: tuple[tuple[float, float], ...] = (
    (135.4959, 34.7025),  # 大阪
    (135.5126, 34.7045),  # 天満
    (135.5335, 34.6965),  # 京橋
    (135.5328, 34.6805),  # 森ノ宮
    (135.5344, 34.6663),  # 玉造
    (135.5300, 34.6655),  # 鶴橋
    (135.5145, 34.6466),  # 天王寺
    (135.5014, 34.6497),  # 新今宮
    (135.4792, 34.6682),  # 大正
    (135.4607, 34.6693),  # 弁天町
    (135.4666, 34.6829),  # 西九条
    (135.4862, 34.6972),  # 福島
    (135.4959, 34.7025),
)

# Main stations: name (ja, en), (lon, lat).
STATIONS: tuple[tuple[str, str, tuple[float, float]], ...] = (
    ("大阪・梅田", "Osaka / Umeda", (135.4959, 34.7025)),
    ("新大阪", "Shin-Osaka", (135.5003, 34.7335)),
    ("京橋", "Kyobashi", (135.5335, 34.6965)),
    ("天王寺", "Tennoji", (135.5145, 34.6466)),
    ("難波", "Namba", (135.5003, 34.6660)),
)

# Neighbouring municipalities, labelled for orientation: name (ja, en), (lon, lat).
NEIGHBOURS: tuple[tuple[str, str, tuple[float, float]], ...] = (
    ("堺市", "Sakai", (135.49, 34.565)),
    ("尼崎市", "Amagasaki", (135.41, 34.73)),
    ("豊中市", "Toyonaka", (135.47, 34.78)),
    ("吹田市", "Suita", (135.52, 34.775)),
    ("守口市", "Moriguchi", (135.565, 34.74)),
    ("門真市", "Kadoma", (135.59, 34.74)),
    ("東大阪市", "Higashiosaka", (135.61, 34.68)),
    ("八尾市", "Yao", (135.60, 34.625)),
    ("松原市", "Matsubara", (135.55, 34.575)),
    ("西宮市", "Nishinomiya", (135.34, 34.74)),
    ("神戸市", "Kobe", (135.19, 34.70)),
)

# Water labels: name (ja, en), (lon, lat).
WATER_LABELS: tuple[tuple[str, str, tuple[float, float]], ...] = (
    ("大阪湾", "Osaka Bay", (135.27, 34.55)),
)
