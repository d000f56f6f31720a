"""データ取込・出力: the shelter registry and staff accounts in, shelters and damage reports out.

Upload → preview (detected format, encoding, first rows) → problems (rejected rows downloadable)
→ confirm. The preview is a dry run of the same service call the confirmation makes, kept per
file and options so that a rerun does not check an 83,000-row file again.
"""

import pandas as pd
import streamlit as st

from dashboard.errors import ServiceError
from dashboard.services import exports, imports, modes
from dashboard.ui import state
from dashboard.ui.exports import download_buttons
from dashboard.ui.import_preview import show_changes
from dashboard.ui.sitreports import disaster_picker
from dashboard.ui.state import t

PREVIEW, USERS, PASSWORDS = "data.preview", "data.users", "data.passwords"
UPLOAD_TYPES = ["csv", "txt", "geojson", "json", "xlsx"]

engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()


def problems_frame(problems) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("data.col.row"): p.row,
                t("data.col.level"): t(f"data.level.{p.level}"),
                t("data.col.reason"): t(p.key, **p.params),
            }
            for p in problems
        ]
    )


def shelter_options(upload) -> dict:
    left, mid, right = st.columns(3)
    chosen = left.selectbox(
        t("data.format"),
        [None, *imports.FORMATS],
        key="data.format",
        format_func=lambda f: t("data.format.auto") if f is None else t(f"layout.{f}"),
    )
    area = mid.text_input(t("data.area"), key="data.area").strip() or None
    mapping_text = right.text_input(t("data.mapping"), key="data.mapping")
    try:
        mapping = imports.parse_mapping(mapping_text) or None
    except ValueError as exc:
        raise ServiceError("import.bad_mapping", field=str(exc)) from exc
    return {
        "data": upload.getvalue(),
        "filename": upload.name,
        "format": chosen,
        "area": area,
        "mapping": mapping,
    }


def shelter_import() -> None:
    upload = st.file_uploader(t("data.upload"), type=UPLOAD_TYPES, key="data.shelter_file")
    if upload is None:
        return
    options = shelter_options(upload)
    key = (upload.file_id, options["format"], options["area"], str(options["mapping"]))
    if st.session_state.get(PREVIEW, (None,))[0] != key:
        with st.spinner():
            preview = imports.import_shelters(engine, actor, dry_run=True, **options)
        st.session_state[PREVIEW] = (key, preview)
    preview = st.session_state[PREVIEW][1]
    st.info(
        t(
            "data.detected",
            format=t(f"layout.{preview.format}"),
            encoding=preview.encoding,
            total=preview.total,
        )
    )
    st.caption(t("data.first_rows"))
    st.dataframe(pd.DataFrame(preview.sample, columns=list(preview.header)), hide_index=True)
    show_changes(preview)
    if preview.problems:
        st.subheader(t("data.problems"))
        st.dataframe(problems_frame(preview.problems), hide_index=True)
    else:
        st.success(t("data.no_problems"))
    if preview.rejected:
        download_buttons("rejected_rows", lambda: exports.rejected_table(preview, lang))
    deactivate = False
    if preview.missing:
        st.warning(t("data.missing", count=len(preview.missing)))
        st.dataframe(
            pd.DataFrame(preview.missing, columns=["ID", t("export.col.name")]), hide_index=True
        )
        deactivate = st.checkbox(t("data.deactivate"), key="data.deactivate")
    strict = st.checkbox(t("data.strict"), key="data.strict")
    if st.button(t("data.confirm"), type="primary", key="data.confirm"):
        bar = st.progress(0.0)
        result = imports.import_shelters(
            engine,
            actor,
            strict=strict,
            deactivate_missing=deactivate,
            progress=lambda share, _step: bar.progress(min(1.0, share)),
            **options,
        )
        st.session_state.pop(PREVIEW, None)
        if result.written:
            st.success(
                t("data.done")
                + " "
                + t(
                    "data.counts",
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                    rejected=len(result.rejected),
                )
            )
        else:
            st.error(t("data.not_written"))


def user_import() -> None:
    # One-time passwords are shown in the run right after the import, then forgotten.
    if passwords := st.session_state.pop(PASSWORDS, None):
        st.success(t("data.users_created", count=len(passwords)))
        st.dataframe(
            pd.DataFrame(passwords, columns=[t("admin.username"), t("admin.password")]),
            hide_index=True,
        )
        return
    upload = st.file_uploader(t("data.upload"), type=["csv"], key="data.user_file")
    if upload is None:
        return
    preview = imports.import_users(engine, actor, upload.getvalue(), dry_run=True)
    st.write(
        t(
            "data.counts",
            created=preview.created,
            updated=0,
            unchanged=0,
            rejected=len(preview.rejected),
        )
    )
    if preview.problems:
        st.dataframe(problems_frame(preview.problems), hide_index=True)
    if preview.created and st.button(t("data.confirm"), type="primary", key="data.users_go"):
        result = imports.import_users(engine, actor, upload.getvalue())
        st.session_state[PASSWORDS] = result.passwords
        st.rerun()


def export_section() -> None:
    if modes.mode_for(engine, actor).exercise_name:
        st.info(t("data.export.drill"))
    st.subheader(t("data.export.shelters"))
    layout = st.selectbox(
        t("data.export.layout"),
        list(imports.LAYOUTS),
        key="data.layout",
        format_func=lambda f: t(f"layout.{f}"),
    )
    with_status = st.checkbox(t("data.export.with_status"), key="data.with_status")
    download_buttons(
        "shelters",
        lambda: exports.registry_table(engine, actor, layout_key=layout, with_status=with_status),
    )
    st.subheader(t("data.export.status"))
    download_buttons("shelter_status", lambda: exports.status_table(engine, actor, lang=lang))
    st.subheader(t("data.export.lalert"))
    st.caption(t("data.export.lalert_help"))
    download_buttons("lalert_shelters", lambda: exports.lalert_table(engine, actor))
    st.download_button(
        t("data.export.lalert_xml"),
        lambda: exports.lalert_xml(engine, actor),
        file_name="lalert_shelters.xml",
        mime="application/xml",
        key="data.lalert_xml",
        icon=":material/download:",
    )
    st.subheader(t("data.export.reports"))
    chosen = disaster_picker(engine, actor, "data.disaster", optional=True)
    chosen_id = chosen.id if chosen else None
    download_buttons(
        "damage_reports",
        lambda: exports.reports_table(engine, actor, lang=lang, disaster_id=chosen_id),
    )


st.title(t("data.title"))
tabs = st.tabs([t("data.tab.shelters"), t("data.tab.users"), t("data.tab.export")])
for tab, section in zip(tabs, (shelter_import, user_import, export_section), strict=True):
    with tab:
        try:
            section()
        except ServiceError as exc:
            state.show_error(exc)
