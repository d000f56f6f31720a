"""The first thirty minutes of an earthquake: what the HQ pages show (JMA withdrawals, the
declaration prompt, the first report's countdown, the feed's alert)."""

from dashboard.services.first30.notices import (
    DIRECT_FDMA_FROM,
    Notice,
    acknowledge_withdrawal,
    clock,
    first30_notices,
)

__all__ = ["DIRECT_FDMA_FROM", "Notice", "acknowledge_withdrawal", "clock", "first30_notices"]
