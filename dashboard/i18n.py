"""One translation table for every user-facing string: Japanese by default, English on a switch.

Each feature keeps its texts in its own module (``dashboard/texts/*.py`` and the packages' own
``texts.py``); they are merged here into one table, and a key defined twice is an error.
"""

from __future__ import annotations

from importlib import import_module
from typing import Literal

Language = Literal["ja", "en"]
LANGUAGES: tuple[Language, ...] = ("ja", "en")

# Modules holding a dict of key -> {"ja": ..., "en": ...}, and the attribute it is under.
TEXT_SOURCES: tuple[tuple[str, str], ...] = (
    ("dashboard.texts.core", "TEXTS"),
    ("dashboard.texts.reporting", "TEXTS"),
    ("dashboard.texts.directives", "TEXTS"),
    ("dashboard.texts.situation", "TEXTS"),
    ("dashboard.texts.map_command", "TEXTS"),
    ("dashboard.texts.admin", "TEXTS"),
    ("dashboard.texts.data", "TEXTS"),
    ("dashboard.texts.rollcall", "TEXTS"),
    ("dashboard.texts.hq", "TEXTS"),
    ("dashboard.texts.sitreports", "TEXTS"),
    ("dashboard.texts.first30", "TEXTS"),
    ("dashboard.texts.field", "TEXTS"),
    ("dashboard.services.inputs", "INPUT_TEXTS"),
    ("dashboard.services.damage.photos", "PHOTO_TEXTS"),
    ("dashboard.texts.chatbot", "TEXTS"),
    ("dashboard.channels.texts", "TEXTS"),
    ("dashboard.maps.texts", "TEXTS"),
)


def _merge() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for module_name, attribute in TEXT_SOURCES:
        for key, entry in getattr(import_module(module_name), attribute).items():
            if key in table:
                raise RuntimeError(f"translation key {key!r} defined twice ({module_name})")
            table[key] = entry
    return table


TEXTS = _merge()


def translate(key: str, lang: str = "ja", /, **params: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled
    (the key itself if unknown)."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["ja"]
    return text.format(**params) if params else text
