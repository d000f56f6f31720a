"""Every user-facing text exists in Japanese and English, and every key the code uses exists."""

import re
from pathlib import Path

from dashboard.i18n import TEXTS, translate

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
# t("key") / translate("key", ...) / ServiceError("key") style uses of a literal key.
KEY_USE = re.compile(
    r"""\b(?:t|translate|format_text|Error|Denied|Failed|NotFound|Conflict)\(\s*"""
    r"""["']([a-z_]+\.[a-z0-9_]+)["']"""
    r"""|\(\s*["']([a-z_]+\.[a-z0-9_]+)["']\s*,\s*\{"""  # ("key", {params}) field errors
)


def test_every_text_has_japanese_and_english():
    for key, entry in TEXTS.items():
        assert entry.get("ja") and entry.get("en"), key


def test_placeholders_match_between_languages():
    field = re.compile(r"{(\w+)(?:[:!][^}]*)?}")
    for key, entry in TEXTS.items():
        assert set(field.findall(entry["ja"])) == set(field.findall(entry["en"])), key


def test_every_literal_key_in_the_code_is_defined():
    used = {
        key
        for path in DASHBOARD.rglob("*.py")
        for match in KEY_USE.findall(path.read_text(encoding="utf-8"))
        for key in match
        if key
    }
    assert used, "the pattern found no keys at all"
    assert sorted(used - set(TEXTS)) == []


def test_translate_fills_placeholders_and_falls_back_to_the_key():
    assert translate("login.throttled", "en", seconds=5).endswith("wait 5 s, then try again.")
    assert translate("no.such.key", "ja") == "no.such.key"
