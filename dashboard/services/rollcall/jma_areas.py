"""Which 地震情報／細分区域 (the regions of 震度速報, e.g. 大阪府北部 = 520) each municipality lies
in, from JMA's code table shipped in ``data/jma_seismic_areas.csv`` (source and licence in its
header). 震度速報 names regions only; this table turns them into municipalities, so a 5弱 in
大阪府南部 does not call in 大阪市 (大阪府北部)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "jma_seismic_areas.csv"


@lru_cache(maxsize=1)
def seismic_areas() -> dict[str, tuple[str, str]]:
    """JIS code (5 digits) → (細分区域 code, 細分区域 name), for the whole country."""
    with TABLE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["city_code"][:5]: (row["area_code"], row["area_name"]) for row in rows}


def seismic_area_of(jis_code: str) -> str | None:
    """The 細分区域 code of a municipality or ward (JIS, 5 digits); None when JMA lists none
    (a designated city as a whole: its wards are listed)."""
    found = seismic_areas().get(jis_code[:5])
    return found[0] if found else None
