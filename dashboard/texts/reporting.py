"""Texts of the ward reporting screens (shelter status, damage reports, review)."""

TEXTS: dict[str, dict[str, str]] = {}
