"""The embedded demo city: Osaka City's 24 wards (real names, codes and a point inside each).

Boundaries are generated from these points (Voronoi cells), so the UI labels them as schematic.
Shelters, reports and accounts made from this module are fictional.
"""

from __future__ import annotations

PREFECTURE = ("27000", "大阪府", "Osaka Prefecture")
CITY = ("27100", "大阪市", "Osaka City")

# code, name (ja), name (en), lat, lon of a point inside the ward
WARDS: tuple[tuple[str, str, str, float, float], ...] = (
    ("27102", "都島区", "Miyakojima", 34.71268, 135.53043),
    ("27103", "福島区", "Fukushima", 34.69666, 135.47466),
    ("27104", "此花区", "Konohana", 34.67904, 135.44337),
    ("27106", "西区", "Nishi", 34.67904, 135.482),
    ("27107", "港区", "Minato", 34.66097, 135.45159),
    ("27108", "大正区", "Taisho", 34.64697, 135.46662),
    ("27109", "天王寺区", "Tennoji", 34.65548, 135.51789),
    ("27111", "浪速区", "Naniwa", 34.65947, 135.49538),
    ("27113", "西淀川区", "Nishiyodogawa", 34.70629, 135.44909),
    ("27114", "東淀川区", "Higashiyodogawa", 34.74082, 135.52956),
    ("27115", "東成区", "Higashinari", 34.67136, 135.54755),
    ("27116", "生野区", "Ikuno", 34.65636, 135.54301),
    ("27117", "旭区", "Asahi", 34.72535, 135.54597),
    ("27118", "城東区", "Joto", 34.70176, 135.54759),
    ("27119", "阿倍野区", "Abeno", 34.63409, 135.51309),
    ("27120", "住吉区", "Sumiyoshi", 34.60274, 135.50576),
    ("27121", "東住吉区", "Higashisumiyoshi", 34.62069, 135.52956),
    ("27122", "西成区", "Nishinari", 34.6349, 135.48914),
    ("27123", "淀川区", "Yodogawa", 34.72808, 135.47625),
    ("27124", "鶴見区", "Tsurumi", 34.7086, 135.57845),
    ("27125", "住之江区", "Suminoe", 34.61498, 135.46272),
    ("27126", "平野区", "Hirano", 34.62175, 135.55791),
    ("27127", "北区", "Kita", 34.70267, 135.50003),
    ("27128", "中央区", "Chuo", 34.67891, 135.5155),
)

# Osaka City's main bureaus (real names) as departments (部局) of the HQ, each with a head and a
# deputy (fictional people): code, name (ja), name (en), kind, account prefix, head, deputy.
DEPARTMENTS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        "D00001",
        "危機管理室",
        "Crisis Management Office",
        "crisis",
        "kikikanrishitsu",
        "危機 守",
        "備 えみ",
    ),
    ("D00002", "建設局", "Construction Bureau", "construction", "kensetsu", "道路 進", "橋本 渡"),
    ("D00003", "健康局", "Public Health Bureau", "health", "kenko", "保健 健一", "看護 みどり"),
    ("D00004", "福祉局", "Welfare Bureau", "welfare", "fukushi", "福祉 和子", "支援 誠"),
    ("D00005", "水道局", "Waterworks Bureau", "water", "suido", "水野 清", "井戸 涼子"),
    ("D00006", "消防局", "Fire Department", "fire", "shobo", "火消 剛", "救助 翼"),
    (
        "D00007",
        "教育委員会事務局",
        "Board of Education",
        "education",
        "kyoiku",
        "学 文子",
        "校庭 広",
    ),
    ("D00008", "環境局", "Environment Bureau", "environment", "kankyo", "緑川 葉", "清掃 光"),
)

# Password of every demo account; shown on the login page in demo mode only.
DEMO_PASSWORD = "bousai-demo"

# username, display name, role, jurisdiction code
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("governor", "大阪 府子", "governor", "27000"),
    ("mayor", "大阪 市太郎", "mayor", "27100"),
    ("kikikanri", "危機管理室 当直", "crisis_admin", "27100"),
    ("kita-head", "北区長", "ward_head", "27127"),
    ("kita-staff", "北区 防災担当", "ward_staff", "27127"),
    ("chuo-head", "中央区長", "ward_head", "27128"),
    ("chuo-staff", "中央区 防災担当", "ward_staff", "27128"),
    ("viewer", "閲覧用", "viewer", "27100"),
    ("kita-deputy", "北区 副区長", "ward_head", "27127"),
    # Each bureau's head and deputy ("kensetsu-head", "kensetsu-deputy", …).
    *(
        account
        for code, name, _, _, prefix, head, deputy in DEPARTMENTS
        for account in (
            (f"{prefix}-head", f"{name}長 {head}", "ward_head", code),
            (f"{prefix}-deputy", f"{name}次長 {deputy}", "ward_head", code),
        )
    ),
)
# More municipalities of the prefecture for the governor's demo (real names and codes, a point
# inside each; fictional boundaries, shelters, reports and people): code, name (ja), name (en),
# lat, lon, account prefix. Each has a head account "<prefix>-head" (role mayor).
MUNICIPALITIES: tuple[tuple[str, str, str, float, float, str], ...] = (
    ("27140", "堺市", "Sakai", 34.5733, 135.4830, "sakai"),
    ("27202", "岸和田市", "Kishiwada", 34.4600, 135.3714, "kishiwada"),
    ("27203", "豊中市", "Toyonaka", 34.7813, 135.4699, "toyonaka"),
    ("27205", "吹田市", "Suita", 34.7594, 135.5169, "suita"),
    ("27227", "東大阪市", "Higashiosaka", 34.6794, 135.6008, "higashiosaka"),
)
# The municipality of the demo that is late with its 第N報 (the others have reported).
LATE_MUNICIPALITY = "27202"
DEMO_ACCOUNTS += tuple(
    (f"{prefix}-head", f"{name} 危機管理監", "mayor", code)
    for code, name, _, _, _, prefix in MUNICIPALITIES
)

# Units' head and deputies in the demo: unit code -> user names, head first.
DEMO_HOLDERS: dict[str, tuple[str, ...]] = {
    "27127": ("kita-head", "kita-deputy"),
    "27128": ("chuo-head",),
    **{code: (f"{prefix}-head", f"{prefix}-deputy") for code, *_, prefix, _, _ in DEPARTMENTS},
}

# Fictional shelter names per ward: (pattern, kind, capacity range, how many per ward).
SHELTER_PATTERNS: tuple[tuple[str, str, tuple[int, int], int], ...] = (
    ("{ward}第{n}小学校", "designated", (300, 900), 7),
    ("{ward}第{n}中学校", "designated", (400, 1000), 3),
    ("{ward}区民センター", "designated", (100, 300), 1),
    ("{ward}福祉会館{n}号館", "welfare", (30, 80), 2),
    ("{ward}第{n}公園", "emergency_site", (1000, 5000), 2),
)
