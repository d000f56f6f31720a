"""The demo's staff register (職員名簿): a few hundred fictional people across the wards and
bureaus, at the four mobilisation tiers, and the required staff per unit and tier, so that a
roll-call can be tried in the demo.

Nobody has an e-mail address or a LINE WORKS ID: the demo sends nothing out. A newcomer answers
as a staff member through the crisis office's 「回答リンクを表示」 (demo mode only).
"""

from __future__ import annotations

import math

import numpy as np

from dashboard import demo_city
from dashboard.storage.models import StaffingRequirement, StaffMember

# People per ward and per bureau, and the share of them at each tier (1 = 警戒配備 … 4).
PER_WARD, PER_BUREAU = 10, 8
TIER_SHARES = (0.2, 0.3, 0.3, 0.2)
# The required staff of a unit and tier: this share of the people it calls in.
REQUIRED_SHARE = 0.8
# Fictional names (common family and given names), combined at random.
FAMILY = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 山口 松本 井上 木村".split()
GIVEN = "翔太 陽子 健 美咲 大輔 由美 誠 彩 拓也 恵 直樹 真理 浩二 麻衣 亮 智子 聡 千尋".split()
POSTS = ("係員", "主任", "係長", "課長代理", "課長")


def demo_staff(rng: np.random.Generator) -> list[object]:
    """The register and the required staff (``StaffMember`` and ``StaffingRequirement`` rows)."""
    units = [(code, name, PER_WARD, f"{name}役所") for code, name, *_ in demo_city.WARDS]
    units += [(code, name, PER_BUREAU, name) for code, name, *_ in demo_city.DEPARTMENTS]
    rows: list[object] = []
    number = 0
    for code, _, count, department in units:
        tiers = rng.choice([1, 2, 3, 4], size=count, p=TIER_SHARES)
        for tier in sorted(int(x) for x in tiers):
            number += 1
            rows.append(
                StaffMember(
                    employee_number=f"D{number:05d}",
                    name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                    unit_code=code,
                    department=department,
                    tier=tier,
                    post=str(rng.choice(POSTS)),
                )
            )
        for tier in (1, 2, 3, 4):
            called = int(sum(1 for t in tiers if t <= tier))
            rows.append(
                StaffingRequirement(
                    unit_code=code, tier=tier, required=math.ceil(called * REQUIRED_SHARE)
                )
            )
    return rows
