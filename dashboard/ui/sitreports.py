"""Widgets of the situation-report pages (第N報): the disaster choice, the figures table with
changes marked, the wards' confirmation, downloads, the municipalities' board, tallies."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard.clock import utcnow
from dashboard.errors import Conflict, ServiceError
from dashboard.services import areas, first30, modes, sitreports
from dashboard.services.inputs import InputError, parse_int
from dashboard.timefmt import local
from dashboard.ui import state
from dashboard.ui.chrome import local_time
from dashboard.ui.state import t

# Background of a figure that changed since the previous report.
CHANGED_STYLE = "background-color: #fff3bf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attempt(action, *args, **kwargs) -> tuple[bool, object]:
    """Call a service as the session's user: (True, its result), or show its refusal and
    return (False, None)."""
    try:
        return True, action(state.get_engine(), state.current_actor(), *args, **kwargs)
    except ServiceError as exc:
        state.show_error(exc)
        return False, None


def disaster_picker(engine, actor, key: str, *, optional: bool = False):
    """The disasters of the current mode concerning the actor, newest first; None if none."""
    disasters = modes.list_disasters(engine, actor)
    by_id = {d.id: d for d in disasters}
    options = ([None] if optional else []) + list(by_id)
    if not options:
        return None
    # The disaster chosen stays chosen when the list changes under it (a new disaster, from a
    # colleague or a JMA telegram): the report being edited never switches to another one.
    remembered = st.session_state.get(f"{key}.chosen")
    chosen = st.selectbox(
        t("sitrep.disaster"),
        options,
        format_func=lambda i: (
            t("sitrep.all_disasters")
            if i is None
            else f"{by_id[i].name}（{t(f'disaster_kind.{by_id[i].kind}')}・"
            f"{local_time(by_id[i].started_at, with_date=True)}〜"
            f"{local_time(by_id[i].ended_at, with_date=True) if by_id[i].ended_at else ''}）"
            # The number keeps same-named disasters apart: the browser sends the label back,
            # and two equal labels would resolve to the first one (the other disaster).
            f" #{i}"
        ),
        index=options.index(remembered) if remembered in options else 0,
        key=key,
    )
    st.session_state[f"{key}.chosen"] = chosen
    return by_id.get(chosen)


def record_disaster_form(engine, actor, lang: str) -> None:
    """Enter a disaster (災害名, kind, area, start time: default now, editable back in time so
    that what was reported since counts for it); a same-name twin asks for confirmation."""
    scopes = {a.code: a.name(lang) for a in areas.list_areas(engine, actor) if a.level != "ward"}
    with st.expander(t("sitrep.record_heading"), icon=":material/add:"):
        with st.form("sitrep.record"):
            name = st.text_input(t("sitrep.name"), max_chars=modes.DISASTER_NAME_MAX)
            kind = st.selectbox(
                t("sitrep.kind"),
                modes.DISASTER_KINDS,
                format_func=lambda k: t(f"disaster_kind.{k}"),
            )
            area = st.selectbox(t("sitrep.area"), list(scopes), format_func=scopes.get)
            opened = st.session_state.setdefault("sitrep.record_opened", local(utcnow()))
            left, right = st.columns(2)
            day = left.date_input(t("first30.start_time"), value=opened.date(), key="sitrep.day")
            clock = right.time_input(
                t("first30.start_time"),
                value=opened.time().replace(second=0, microsecond=0),
                key="sitrep.clock",
                label_visibility="hidden",
                step=60,
            )
            confirmed = False
            if st.session_state.get("sitrep.twin") == (name, area):
                st.warning(t("first30.same_name"))
                confirmed = st.checkbox(t("first30.confirm_same_name"), key="sitrep.twin_ok")
            if st.form_submit_button(t("sitrep.record"), icon=":material/add:"):
                started = datetime.combine(day, clock, opened.tzinfo)
                try:
                    modes.record_disaster(
                        engine,
                        actor,
                        name=name,
                        kind=kind,
                        area_code=area,
                        started_at=started,
                        same_name_confirmed=bool(confirmed),
                    )
                except Conflict:
                    st.session_state["sitrep.twin"] = (name, area)
                    st.rerun()
                except ServiceError as exc:
                    state.show_error(exc)
                else:
                    for key in ("sitrep.twin", "sitrep.record_opened"):
                        st.session_state.pop(key, None)
                    st.rerun()


def close_disaster_button(disaster) -> None:
    """End the disaster: its window closes and no report is due any more."""
    if disaster.ended_at is not None:
        st.caption(t("sitrep.closed", time=local_time(disaster.ended_at, with_date=True)))
        return
    with st.popover(t("sitrep.close"), icon=":material/event_busy:"):
        st.caption(t("sitrep.close_help"))
        if st.button(t("sitrep.close_confirm"), key="sitrep.close"):
            ok, _ = attempt(modes.close_disaster, disaster.id)
            if ok:
                st.rerun()


def report_times_form(disaster) -> None:
    """The prefecture sets every N hours and/or fixed clock times."""
    with st.expander(t("sitrep.times_heading"), icon=":material/schedule:"):
        with st.form("sitrep.times"):
            every = st.text_input(
                t("sitrep.every_hours"), value=str(disaster.report_every_hours or "")
            )
            times = st.text_input(t("sitrep.clock_times"), value=", ".join(disaster.report_times))
            if st.form_submit_button(t("sitrep.save_times")):
                try:
                    hours = parse_int(every, minimum=1) if every.strip() else None
                    parsed = modes.parse_report_times(times)
                except InputError as exc:
                    st.error(exc.message(state.lang()))
                    return
                except ServiceError as exc:
                    state.show_error(exc)
                    return
                ok, _ = attempt(
                    modes.set_report_times, disaster.id, every_hours=hours, times=parsed
                )
                if ok:
                    st.rerun()


def figures_table(view, changed: set | None = None, *, areas: bool = True) -> None:
    """Every row with its unit, total and source, and (``areas``) each ward or municipality;
    a figure that changed since the previous report is marked."""
    changed = changed or set()
    columns = [t("sitrep.col.section"), t("sitrep.col.row"), t("sitrep.col.unit")]
    columns += [t("sitrep.col.total"), t("sitrep.col.source")]
    shown_areas = view.areas if areas else ()
    records, marks = [], []
    for row in sitreports.ROWS:
        value, source, partial = view.total[row.key]
        total = sitreports.value_text(value) + ("＋" if partial else "")
        line = [row.section, row.label, row.unit, total, sitreports.source_text(source)]
        mark = ["", "", "", CHANGED_STYLE if ("total", row.key) in changed else "", ""]
        for area in shown_areas:
            value, _, *partial = area.figures[row.key]
            line.append(sitreports.value_text(value) + ("＋" if any(partial) else ""))
            mark.append(CHANGED_STYLE if (area.code, row.key) in changed else "")
        records.append(line)
        marks.append(mark)
    frame = pd.DataFrame(records, columns=columns + [a.name for a in shown_areas])
    styles = pd.DataFrame(marks, columns=frame.columns)
    st.dataframe(
        frame.style.apply(lambda _: styles, axis=None),
        hide_index=True,
        width="stretch",
        height=520,
    )
    st.caption(t("sitrep.changed_help"))


def ward_status_table(view) -> None:
    """Which wards' heads confirmed their figures (and whether data changed since)."""
    st.dataframe(
        [
            {
                t("sitrep.ward"): a.name,
                t("sitrep.wards_heading"): t(f"sitrep.status.{a.status}"),
                t("sitrep.col.issued_at"): local_time(a.status_at, with_date=True)
                if a.status_at
                else "",
            }
            for a in view.areas
        ],
        hide_index=True,
        width="stretch",
    )


def downloads(view, key: str) -> None:
    """xlsx (第4号様式), CSV, printable A4 page and PDF of one report."""
    name = f"sitrep_{view.body_code}_{view.number}"
    cols = st.columns(4)
    for col, (label, build, ext, mime) in zip(
        cols,
        (
            ("Excel", sitreports.report_xlsx, "xlsx", XLSX_MIME),
            ("CSV", sitreports.report_csv, "csv", "text/csv"),
            ("A4 (HTML)", sitreports.report_html, "html", "text/html"),
            ("PDF", sitreports.report_pdf, "pdf", "application/pdf"),
        ),
        strict=True,
    ):
        col.download_button(
            label,
            lambda b=build: b(view),
            file_name=f"{name}.{ext}",
            mime=mime,
            key=f"{key}.{ext}",
            icon=":material/download:",
        )


def issued_list(summaries) -> int | None:
    """The issued reports, newest first; returns the one chosen to show."""
    st.subheader(t("sitrep.issued_heading"))
    if not summaries:
        st.caption(t("sitrep.none_issued"))
        return None
    by_id = {s.id: s for s in summaries}
    return st.selectbox(
        t("sitrep.view_report"),
        list(by_id),
        format_func=lambda i: t(
            "sitrep.issued_line",
            body=by_id[i].body_name,
            number=by_id[i].number,
            time=local_time(by_id[i].issued_at, with_date=True),
            by=by_id[i].issued_by,
            form=t(f"sitrep.form.{by_id[i].form}"),
        ),
        key=f"sitrep.issued_choice.{len(summaries)}",  # a new report shows first
    )


def board_table(statuses) -> None:
    """The governor's table: every municipality's latest 第N報, when, next due, late."""
    # A plain table: a few dozen rows, readable (and printable) as text.
    st.table(
        pd.DataFrame(
            [
                {
                    t("sitrep.col.body"): s.name,
                    t("sitrep.col.latest"): f"第{s.latest_number}報" if s.latest_number else "—",
                    t("sitrep.col.issued_at"): local_time(s.latest_issued_at, with_date=True),
                    t("sitrep.col.next_due"): local_time(s.next_due, with_date=True),
                    t("sitrep.col.late"): "⚠ " + t("sitrep.late") if s.late else "",
                }
                for s in statuses
            ]
        ).set_index(t("sitrep.col.body"))
    )


def tally_form(disaster_id: int, ward_code: str, tallies: dict) -> None:
    """The ward head's tallies: one field per row that is not a point report; empty: 未確認."""
    with st.form(f"sitrep.tallies.{ward_code}"):
        st.caption(t("sitrep.tallies_help"))
        raw, columns = {}, st.columns(3)
        keys = [k for k in sitreports.TALLY_ROW_KEYS if sitreports.ROW_BY_KEY[k].source == "tally"]
        for i, key in enumerate(keys):
            row = sitreports.ROW_BY_KEY[key]
            current = tallies.get(key)
            raw[key] = columns[i % 3].text_input(
                f"{row.section} {row.label}（{row.unit}）",
                value="" if current is None or current.value is None else str(current.value),
                key=f"sitrep.tally.{ward_code}.{key}",
            )
        if st.form_submit_button(t("sitrep.save_tallies"), icon=":material/save:"):
            try:
                values = sitreports.parse_tallies(raw)
            except ServiceError as exc:
                state.show_error(exc)
                return
            ok, count = attempt(sitreports.enter_tallies, disaster_id, ward_code, values)
            if ok:
                st.success(t("sitrep.tallies_saved", count=count))


def ward_table(area) -> None:
    """One ward's figures with their source (what the ward head confirms)."""
    st.dataframe(
        [
            {
                t("sitrep.col.section"): row.section,
                t("sitrep.col.row"): row.label,
                t("sitrep.col.unit"): row.unit,
                t("sitrep.col.value"): sitreports.value_text(area.figures[row.key][0]),
                t("sitrep.col.source"): sitreports.source_text(area.figures[row.key][1]),
            }
            for row in sitreports.ROWS
        ],
        hide_index=True,
        width="stretch",
        height=420,
    )


def late_reports_notice(engine, actor) -> None:
    """On the situation map: which municipalities are late with their 第N報 (nothing if none),
    and the countdown of each first report (第1報) still due after an earthquake."""
    for notice in first30.first30_notices(engine, actor):
        if notice.kind == "countdown" and not notice.late:
            st.info(
                t(
                    "first30.countdown",
                    body=state.plain(notice.area_name),
                    due=first30.clock(notice.due),
                    minutes=notice.minutes,
                ),
                icon=":material/timer:",
            )
            if notice.direct_fdma:
                st.caption(t("first30.direct_fdma"))
    for late in sitreports.late_reports(engine, actor):
        st.warning(
            t(
                "sitrep.late_notice",
                body=late.body_name,
                disaster=late.disaster_name,
                due=local_time(late.due, with_date=True),
            ),
            icon=":material/alarm:",
        )
