"""Services: the rules, permissions and transactions of each feature, as plain Python.

One package per feature; its ``__init__`` names what other code may call. Pages, the CLI and the
worker call services; services call ``dashboard.storage`` and ``geo``, never ``streamlit``.
Shared by all: ``dashboard.errors`` (what a user reads when a service refuses) and
``services.inputs`` (parsing and cleaning what people type).
"""
