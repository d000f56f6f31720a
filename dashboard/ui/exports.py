"""Export downloads for the pages that show the data: one call puts a file-type choice and a
download button under a table. The file is built by services.exports (scope, drill, formula
cells); this module only offers it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.services import exports
from dashboard.ui import state
from dashboard.ui.state import t

# How the file types read in the choice.
FILE_TYPE_LABELS = {
    "csv": "CSV (UTF-8)",
    "csv_cp932": "CSV (Shift_JIS)",
    "xlsx": "Excel (.xlsx)",
    "geojson": "GeoJSON",
}


def download_buttons(key: str, build: Callable[[], exports.ExportTable]) -> None:
    """A file-type choice and a download button; ``build`` makes the table only when the button
    is clicked (Streamlit runs it on its own thread: it must not touch the session state)."""
    with st.popover(t("data.export.download"), icon=":material/download:"):
        file_type = st.radio(
            t("data.export.file"),
            list(FILE_TYPE_LABELS),
            format_func=FILE_TYPE_LABELS.get,
            key=f"{key}.export_type",
            horizontal=True,
        )
        kind = exports.FILE_TYPES[file_type]
        st.download_button(
            t("data.export.download"),
            lambda: kind.write(build()),
            file_name=f"{key}.{kind.extension}",
            mime=kind.mime,
            key=f"{key}.export_download",
            icon=":material/download:",
        )


def shelter_status_download(engine, actor) -> None:
    """The running shelters' table (開設状況・避難者数・世帯数・混雑度・報告日時)."""
    lang = state.lang()
    download_buttons("shelter_status", lambda: exports.status_table(engine, actor, lang=lang))


def damage_reports_download(engine, actor, **filters) -> None:
    """The damage reports the page shows (its filters), in the actor's scope."""
    lang = state.lang()
    download_buttons(
        "damage_reports", lambda: exports.reports_table(engine, actor, lang=lang, **filters)
    )
