"""The first thirty minutes of an earthquake: what the HQ pages show (JMA withdrawals, the
declaration prompt, the first report's countdown, the feed's alert)."""

from dashboard.services.first30.notices import (
    DIRECT_FDMA_FROM,
    Notice,
    acknowledge_withdrawal,
    clock,
    first30_notices,
)
from dashboard.services.gate import gate

__all__ = ["DIRECT_FDMA_FROM", "Notice", "acknowledge_withdrawal", "clock", "first30_notices"]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
