"""The demo city: seeded into an empty database on first start."""

from dashboard.services.demo.seed import (
    DEMO_REPORT_HOURS,
    DEMO_REPORTS,
    DEMO_SEED,
    demo_areas,
    ensure_demo,
    is_empty,
    seed_demo,
)
from dashboard.services.gate import gate

__all__ = [
    "DEMO_REPORTS",
    "DEMO_REPORT_HOURS",
    "DEMO_SEED",
    "demo_areas",
    "ensure_demo",
    "is_empty",
    "seed_demo",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
