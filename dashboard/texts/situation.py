"""Texts of the command map and the situation overview."""

TEXTS: dict[str, dict[str, str]] = {}
