"""Texts of directives, acknowledgements, disaster mode, drills and the chronology."""

TEXTS: dict[str, dict[str, str]] = {}
