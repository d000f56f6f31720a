"""Seismic intensity classes of JMA disaster-information XML (気象庁防災情報XML).

The telegrams themselves are read by ``jma_telegram`` (Control / Head / Body, as JMA means them),
acted on by ``jma_events``, fetched by ``jma_feed`` / ``jma_fetch``; 震度速報's regions are
mapped to municipalities by ``jma_areas``.
"""

from dashboard.services.rollcall.jma_telegram import INTENSITIES, MAX_BYTES

__all__ = ["INTENSITIES", "MAX_BYTES"]
