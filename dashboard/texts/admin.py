"""Texts of the administration screen (accounts, channels, audit log)."""

TEXTS: dict[str, dict[str, str]] = {}
