"""Finding English words left in the Japanese UI of an AppTest run (see test_japanese_ui.py)."""

from __future__ import annotations

import re

from google.protobuf.message import Message

# Latin-letter words that belong in the Japanese UI: names of products, formats and codes.
ALLOWED = frozenset(
    {
        "LINE", "WORKS", "CSV", "PDF", "ID", "URL", "GeoJSON", "Excel", "UTF", "BOM", "CP932",
        "xlsx", "csv", "xml", "MBTiles", "PMTiles", "JMA", "XML", "HTML", "OK", "JIS",
        "SMTP", "Webhook", "webhook", "HMAC", "GSI", "OpenStreetMap", "Leaflet", "km", "MB",
    }
)
WORD = re.compile(r"[A-Za-z][A-Za-z]+")
# Proto fields that hold no text a user reads.
SKIP_FIELDS = frozenset(
    {"id", "form_id", "key", "icon", "data", "arrow_data", "styler", "type", "element_type",
     "spec", "json", "url", "src", "page_script_hash", "page", "fragment_id", "format",
     "column_order", "columns", "selection_mode", "mime", "file_id", "placeholder_value",
     "width_config", "height_config", "active_script_hash", "dg", "html", "body_html",
     "json_args", "component_name", "special_args", "deprecated_column_config"}
)


def _strings(message: Message):
    for field, value in message.ListFields():
        if field.name in SKIP_FIELDS:
            continue
        values = value if isinstance(value, (list, tuple)) or hasattr(value, "__len__") and not isinstance(value, (str, bytes, Message)) else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str):
                yield field.name, item


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def latin_words(at) -> set[str]:
    """Latin-letter words in the rendered page that are not on the allow-list, as
    ``field: word`` strings (markdown links and code spans are left out: addresses)."""
    found = set()
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if not isinstance(proto, Message):
            continue
        for name, text in _strings(proto):
            text = re.sub(r"\]\([^)]*\)|`[^`]*`|https?://\S+|:material/[a-z_]+:|:[a-z]+\[|:[a-z]+-background\[", " ", text)
            for word in WORD.findall(text):
                if word not in ALLOWED:
                    found.add(f"{name}: {word} ({text[:60]!r})")
    return found
