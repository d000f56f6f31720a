"""English left in the Japanese UI of an AppTest run (see test_japanese_ui.py): Latin-letter
words in any text the page sends to the browser, and what the browser would fill in English
itself (a select box's "Choose an option", an empty table's "empty")."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from google.protobuf.message import Message

# Latin-letter words that belong in the Japanese UI: names of products, formats and units.
ALLOWED = frozenset(
    """LINE WORKS CSV PDF ID URL GeoJSON Excel UTF BOM CP932 Shift JIS xlsx csv xml XML
    HTML MBTiles PMTiles JMA OK SMTP HMAC HTTPS GSI OpenStreetMap Leaflet km MB JPEG PNG HEIC No
    Webhook ha""".split()
)
WORD = re.compile(r"[A-Za-z][A-Za-z]+")
# Left out before looking: markdown link targets, code spans (file columns, settings, commands,
# addresses), addresses, icons and colour directives.
NOT_WORDS = re.compile(
    r"\](\([^)]*\))|`[^`]*`|https?://\S+|:material/[a-z_]+:|:[a-z]+(-background|-badge)?\["
)
# Proto fields that hold no text a user reads.
SKIP_FIELDS = frozenset(
    """id form_id key icon data arrow_data styler type element_type spec json url src
    page_script_hash page fragment_id format column_order columns selection_mode mime file_id
    deferred_file_id placeholder_value width_config height_config active_script_hash dg html
    body_html json_args component_name special_args autocomplete name theme
    selection_mode""".split()
)


def _strings(message: Message) -> Iterator[tuple[str, str]]:
    for field, value in message.ListFields():
        if field.name in SKIP_FIELDS:
            continue
        many = hasattr(value, "__len__") and not isinstance(value, (str, bytes, Message))
        for item in value if many else [value]:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str):
                yield field.name, item


def _nodes(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def english_left(at, *, data: Iterable[str] = ()) -> set[str]:
    """What a Japanese reader would find in English, as readable lines. ``data``: strings the
    users typed or imported (user names, e-mail addresses), taken out before looking."""
    found = set()
    data = sorted(set(data), key=len, reverse=True)
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if not isinstance(proto, Message):
            continue
        kind = getattr(node, "type", "")
        if kind == "html":
            continue  # the app's own style sheet and scripts (ui/theme.py), never shown
        if kind in ("selectbox", "multiselect") and not proto.placeholder:
            chosen = proto.HasField("default") if kind == "selectbox" else bool(node.value)
            empty = not chosen
            if empty and proto.options:
                found.add(f"{kind} {proto.label!r}: Streamlit's English placeholder")
        if kind == "arrow_data_frame" and len(node.value) == 0:
            found.add("an empty table: Streamlit writes 'empty'")
        texts = list(_strings(proto))
        if kind == "vega_lite_chart":  # the axes: titles from the data's column names?
            for channel, spec in json.loads(proto.spec).get("encoding", {}).items():
                for item in spec if isinstance(spec, list) else [spec]:
                    texts.append((f"axis {channel}", str(item.get("title", item.get("field")))))
        for name, text in texts:
            for item in data:
                text = text.replace(item, " ")
            for word in WORD.findall(NOT_WORDS.sub(" ", text)):
                if word not in ALLOWED:
                    found.add(f"{kind}.{name}: {word!r} in {text[:80]!r}")
    return found
