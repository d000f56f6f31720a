"""Texts of data import and export (データ取込・出力): the page, the problems of a row, the
export headers."""

TEXTS: dict[str, dict[str, str]] = {
    "nav.data": {"ja": "データ取込・出力", "en": "Data import & export"},
    # Refusals of a whole file
    "import.bad_encoding": {
        "ja": "文字コードを判別できません（UTF-8、BOM付きUTF-8、CP932に対応）。",
        "en": "Cannot tell the encoding (UTF-8, UTF-8 with BOM and CP932 are supported).",
    },
    "import.control_chars": {
        "ja": "{line}行目の「{column}」に使えない文字（制御文字）が含まれています。",
        "en": "Row {line}, “{column}”: contains characters that cannot be stored (control characters).",
    },
    "import.empty_file": {"ja": "ファイルが空です。", "en": "The file is empty."},
    "import.bad_geojson": {
        "ja": "GeoJSONとして読めません。",
        "en": "The file is not readable as GeoJSON.",
    },
    "import.xlsx_too_large": {
        "ja": "Excelファイルの中身が大きすぎます（展開後{megabytes}MBまで）。CSVで保存するか、ファイルを分けてください。",
        "en": "The workbook unpacks to too much data (at most {megabytes} MB). Save it as CSV or split it.",
    },
    "import.too_many_rows": {
        "ja": "行が多すぎます（{rows}行まで）。ファイルを分けてください。",
        "en": "Too many rows (at most {rows}). Please split the file.",
    },
    "import.bad_csv_line": {
        "ja": '{line}行目を読めません（項目が長すぎるか、引用符 " が閉じていません）。',
        "en": 'Line {line} cannot be read (a field is too long or a quote " is not closed).',
    },
    "import.bad_feature": {
        "ja": "{number}番目の地物がGeoJSONの形式ではありません（properties・geometry・座標を確認してください）。",
        "en": "Feature {number} is not valid GeoJSON (check its properties, geometry and coordinates).",
    },
    "import.bad_xlsx": {
        "ja": "Excelファイルとして読めません。",
        "en": "The file is not readable as an Excel workbook.",
    },
    "import.format_unknown": {
        "ja": "形式を判別できません（見出し: {header}）。--format か列の対応付けを指定してください。",
        "en": "Unknown layout (header: {header}). Give --format or a column mapping.",
    },
    "import.unknown_format": {"ja": "未対応の形式です: {format}", "en": "Unknown format: {format}"},
    "import.mapping_needed": {
        "ja": "汎用CSVには列の対応付け（例: 名称=name,緯度=lat）が必要です。",
        "en": "A generic CSV needs a column mapping (e.g. 名称=name,緯度=lat).",
    },
    "import.bad_mapping": {
        "ja": "列の対応付けに不明な項目があります: {field}",
        "en": "Unknown field in the column mapping: {field}",
    },
    "import.missing_columns": {
        "ja": "必要な列がありません: {columns}",
        "en": "Required columns are missing: {columns}",
    },
    "import.area_unknown": {
        "ja": "区域コード {code} は未登録です。",
        "en": "Unknown area code {code}.",
    },
    "import.area_needed": {
        "ja": "取込先の市区町村を指定してください（--area）。",
        "en": "Name the target municipality (--area).",
    },
    "import.no_boundaries": {
        "ja": "区域 {code} の境界が未登録のため、区を判定できません。",
        "en": "Area {code} has no boundaries, so wards cannot be assigned.",
    },
    # Problems of one row
    "import.problem.empty_name": {"ja": "名称が空です", "en": "The name is empty"},
    "import.problem.empty_id": {"ja": "IDが空です", "en": "The ID is empty"},
    "import.problem.duplicate_id": {
        "ja": "ID {id} は{first}行目と重複しています",
        "en": "ID {id} repeats row {first}",
    },
    "import.problem.no_coordinates": {
        "ja": "緯度・経度がないか読めません",
        "en": "Latitude/longitude missing or unreadable",
    },
    "import.problem.bad_coordinates": {
        "ja": "緯度 {lat}・経度 {lon} は国内の地点ではありません",
        "en": "Latitude {lat}, longitude {lon} is not a point in Japan",
    },
    "import.problem.swapped": {
        "ja": "緯度と経度が入れ替わっていたため修正しました",
        "en": "Latitude and longitude were swapped; corrected",
    },
    "import.problem.outside": {
        "ja": "地点（{lat}, {lon}）が取込先の区域外です",
        "en": "The point ({lat}, {lon}) lies outside the target area",
    },
    "import.problem.bad_code": {
        "ja": "団体コード「{code}」を読めません",
        "en": "Municipality code “{code}” is unreadable",
    },
    "import.problem.other_municipality": {
        "ja": "団体コード {code} は取込先の市区町村ではありません",
        "en": "Municipality code {code} is not the target municipality",
    },
    "import.problem.name_mismatch": {
        "ja": "市町村名「{name}」が取込先と一致しません",
        "en": "Municipality name “{name}” does not match the target",
    },
    "import.problem.ward_mismatch": {
        "ja": "地点は{ward}にありますが、ファイルでは{said}です（地点を採用）",
        "en": "The point lies in {ward} but the file says {said} (the point is used)",
    },
    "import.problem.capacity_text": {
        "ja": "収容人数「{text}」を読めません（不明として取込）",
        "en": "Capacity “{text}” is unreadable (imported as unknown)",
    },
    "import.problem.bad_flag": {
        "ja": "{column}の値「{text}」を読めません（該当なしとして取込）",
        "en": "{column}: “{text}” is unreadable (imported as not set)",
    },
    # Staff accounts
    "import.user.bad_role": {"ja": "役割「{role}」は不明です", "en": "Unknown role “{role}”"},
    "import.user.bad_area": {
        "ja": "区域コード「{code}」は権限の範囲外か未登録です",
        "en": "Area code “{code}” is unknown or outside your scope",
    },
    "import.user.bad_username": {"ja": "ユーザー名が不正です", "en": "Invalid user name"},
    "import.user.taken": {
        "ja": "ユーザー名 {username} は既に使われています",
        "en": "User name {username} is already taken",
    },
    "import.user.duplicate": {
        "ja": "ユーザー名 {username} は{first}行目と重複しています",
        "en": "User name {username} repeats row {first}",
    },
    "import.user.bad_email": {
        "ja": "メールアドレス「{email}」が不正です",
        "en": "Invalid e-mail address “{email}”",
    },
    # Unknown capacity, where the situation header would otherwise show a percentage
    "situation.figure.capacity_unknown_note": {
        "ja": "収容人数不明の避難所 {unknown}か所（収容率は算出不可）",
        "en": "{unknown} shelters with unknown capacity (no occupancy)",
    },
    "shelter.capacity_unknown": {"ja": "定員 不明", "en": "capacity unknown"},
    # Page
    "data.title": {"ja": "データ取込・出力", "en": "Data import & export"},
    "data.tab.shelters": {"ja": "避難所台帳の取込", "en": "Shelter registry import"},
    "data.tab.users": {"ja": "職員アカウントの取込", "en": "Staff account import"},
    "data.tab.export": {"ja": "出力", "en": "Export"},
    "data.upload": {"ja": "ファイル（CSV / GeoJSON）", "en": "File (CSV / GeoJSON)"},
    "data.format": {"ja": "形式", "en": "Format"},
    "data.format.auto": {"ja": "自動判別", "en": "Detect"},
    "data.area": {"ja": "取込先の区域コード", "en": "Target area code"},
    "data.mapping": {
        "ja": "列の対応付け（汎用CSV、例: 名称=name,緯度=lat,経度=lon,番号=id）",
        "en": "Column mapping (generic CSV, e.g. 名称=name,緯度=lat,経度=lon,番号=id)",
    },
    "data.detected": {
        "ja": "形式: {format} ／ 文字コード: {encoding} ／ {total}行",
        "en": "Format: {format} / encoding: {encoding} / {total} rows",
    },
    "data.counts": {
        "ja": "新規 {created}件・更新 {updated}件・変更なし {unchanged}件・取込不可 {rejected}件",
        "en": "{created} new, {updated} updated, {unchanged} unchanged, {rejected} rejected",
    },
    "data.linked": {
        "ja": "登録済みの避難所 {count}件を台帳のIDに結び付けます（内容の変更なし）。",
        "en": "{count} stored shelters are linked to their registry ids (no other change).",
    },
    "data.not_carried": {
        "ja": "このファイルの形式にない項目（{fields}）は、登録済みの値をそのまま残します。",
        "en": "Fields this file's layout lacks ({fields}) keep their stored values.",
    },
    "data.no_changes": {
        "ja": "登録済みの避難所の内容は変わりません。",
        "en": "No stored shelter changes.",
    },
    "data.changes": {
        "ja": "取り込むと変わる項目（登録済みの避難所の件数）",
        "en": "What the import changes (stored shelters per field)",
    },
    "data.col.field": {"ja": "項目", "en": "Field"},
    "data.col.changed": {"ja": "変わる件数", "en": "Shelters changed"},
    "data.field.name": {"ja": "名称", "en": "Name"},
    "data.field.kana": {"ja": "名称（かな）", "en": "Name (kana)"},
    "data.field.address": {"ja": "住所", "en": "Address"},
    "data.field.lat": {"ja": "緯度", "en": "Latitude"},
    "data.field.lon": {"ja": "経度", "en": "Longitude"},
    "data.field.ward_code": {"ja": "区", "en": "Ward"},
    "data.field.capacity": {"ja": "収容人数", "en": "Capacity"},
    "data.field.hazards": {"ja": "対象とする災害", "en": "Hazards"},
    "data.field.active": {"ja": "有効（再登録）", "en": "Active again"},
    "data.export.lalert": {
        "ja": "避難所情報（Lアラート・県防災情報システム向け）",
        "en": "Shelter status for Lアラート / the prefecture's system",
    },
    "data.export.lalert_help": {
        "ja": "全避難所の開設状況・混雑・避難者数。開設・閉鎖日時は状況が変わった時刻で、"
        "名称や収容人数の修正では変わりません。",
        "en": "Every shelter's state, crowding and evacuees. The open/close time is when the "
        "state changed; correcting a name or a capacity never changes it.",
    },
    "data.export.lalert_xml": {
        "ja": "XML（公共情報コモンズ 避難所情報）を保存",
        "en": "Download XML (public commons shelter information)",
    },
    "data.first_rows": {"ja": "先頭の行", "en": "First rows"},
    "data.problems": {"ja": "問題のある行", "en": "Rows with problems"},
    "data.no_problems": {"ja": "問題はありません。", "en": "No problems found."},
    "data.rejected_download": {
        "ja": "取込不可の行をCSVで保存",
        "en": "Download the rejected rows (CSV)",
    },
    "data.missing": {
        "ja": "ファイルにない登録済み避難所: {count}件",
        "en": "Stored shelters missing from the file: {count}",
    },
    "data.deactivate": {
        "ja": "ファイルにない避難所を無効にする",
        "en": "Deactivate the shelters missing from the file",
    },
    "data.strict": {
        "ja": "問題が1件でもあれば何も取り込まない",
        "en": "Import nothing if any row has a problem",
    },
    "data.confirm": {"ja": "取込を確定", "en": "Confirm the import"},
    "data.done": {"ja": "取り込みました。", "en": "Imported."},
    "data.not_written": {
        "ja": "問題があるため取り込みませんでした。",
        "en": "Nothing was imported because of the problems.",
    },
    "data.users_created": {
        "ja": "{count}件のアカウントを作成しました。初期パスワードはこの画面でのみ表示されます。",
        "en": "{count} accounts created. The one-time passwords are shown on this screen only.",
    },
    "data.passwords_download": {
        "ja": "初期パスワード一覧を保存（1回のみ）",
        "en": "Download the one-time passwords (once)",
    },
    "data.col.row": {"ja": "行", "en": "Row"},
    "data.col.level": {"ja": "区分", "en": "Level"},
    "data.col.reason": {"ja": "理由", "en": "Reason"},
    "data.level.error": {"ja": "取込不可", "en": "Rejected"},
    "data.level.warning": {"ja": "注意", "en": "Warning"},
    "data.export.shelters": {"ja": "避難所台帳", "en": "Shelter registry"},
    "data.export.status": {"ja": "避難所開設状況", "en": "Open shelters"},
    "data.export.reports": {"ja": "被害報告", "en": "Damage reports"},
    "data.export.with_status": {
        "ja": "最新の開設状況・避難者数を付ける",
        "en": "Add the latest state and evacuees",
    },
    "data.export.layout": {"ja": "列の並び", "en": "Column layout"},
    "data.export.file": {"ja": "ファイル形式", "en": "File type"},
    "data.export.download": {"ja": "ダウンロード", "en": "Download"},
    "data.export.drill": {
        "ja": "訓練中のため、訓練データのみ出力されます。",
        "en": "A drill is running: only drill data is exported.",
    },
    # Export columns (open-shelter table and damage reports)
    "export.col.ward": {"ja": "区", "en": "Ward"},
    "export.col.name": {"ja": "避難所名", "en": "Shelter"},
    "export.col.state": {"ja": "開設状況", "en": "State"},
    "export.col.evacuees": {"ja": "避難者数", "en": "Evacuees"},
    "export.col.households": {"ja": "世帯数", "en": "Households"},
    "export.col.capacity": {"ja": "収容人数", "en": "Capacity"},
    "export.col.crowding": {"ja": "混雑度", "en": "Crowding"},
    "export.col.reported_at": {"ja": "報告日時", "en": "Reported at"},
    "export.crowding.free": {"ja": "空き", "en": "Space"},
    "export.crowding.busy": {"ja": "やや混雑", "en": "Busy"},
    "export.crowding.crowded": {"ja": "混雑", "en": "Crowded"},
    "export.crowding.full": {"ja": "満", "en": "Full"},
    "export.crowding.unknown": {"ja": "不明（収容人数未登録）", "en": "Unknown (no capacity)"},
    "export.capacity.unknown": {"ja": "不明", "en": "unknown"},
    "export.col.id": {"ja": "番号", "en": "No."},
    "export.col.category": {"ja": "種別", "en": "Category"},
    "export.col.severity": {"ja": "深刻度", "en": "Severity"},
    "export.col.dead": {"ja": "死者", "en": "Dead"},
    "export.col.injured": {"ja": "負傷者", "en": "Injured"},
    "export.col.missing": {"ja": "行方不明者", "en": "Missing"},
    "export.col.trapped": {"ja": "要救助者", "en": "Trapped"},
    "export.col.location": {"ja": "場所", "en": "Location"},
    "export.col.description": {"ja": "内容", "en": "Description"},
    "export.col.review": {"ja": "確認状況", "en": "Review"},
    "export.col.lat": {"ja": "緯度", "en": "Latitude"},
    "export.col.lon": {"ja": "経度", "en": "Longitude"},
    "export.col.drill": {"ja": "訓練", "en": "Drill"},
    "export.col.housing_class": {"ja": "住家被害区分", "en": "Housing damage class"},
    "export.col.housing_buildings": {"ja": "住家被害 棟数", "en": "Houses (buildings)"},
    "export.col.housing_households": {"ja": "住家被害 世帯数", "en": "Houses (households)"},
    "export.col.housing_persons": {"ja": "住家被害 人数", "en": "Houses (persons)"},
    "export.col.injured_serious": {"ja": "負傷者 重傷", "en": "Seriously injured"},
    "export.col.injured_minor": {"ja": "負傷者 軽傷", "en": "Slightly injured"},
    "export.drill_yes": {"ja": "訓練", "en": "drill"},
}
