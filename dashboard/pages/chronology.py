"""Chronology (クロノロジー): everything that happened, in time order, filterable and exportable."""

from datetime import datetime, time, timedelta

import streamlit as st

from dashboard import timefmt
from dashboard.clock import utcnow
from dashboard.services import areas, chronology
from dashboard.ui import state
from dashboard.ui.sitreports import disaster_picker
from dashboard.ui.state import t

engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
st.title(t("nav.chronology"))

now = timefmt.local(utcnow())
today, zone = now.date(), now.tzinfo
col_from, col_to, col_ward = st.columns(3)
first = col_from.date_input(t("chrono.from"), value=today - timedelta(days=1))
last = col_to.date_input(t("chrono.to"), value=today)
wards = {a.code: a.name(lang) for a in areas.list_areas(engine, actor, level="ward")}
ward = col_ward.selectbox(
    t("chrono.ward"), [None, *wards], format_func=lambda c: wards.get(c) or t("chrono.all_wards")
)
kinds = st.pills(
    t("chrono.kinds"),
    list(chronology.EVENT_KINDS),
    selection_mode="multi",
    default=list(chronology.EVENT_KINDS),
    format_func=lambda k: t(f"chrono.kind.{k}"),
)
disaster = disaster_picker(engine, actor, "chrono.disaster", optional=True)
newest_first = st.toggle(t("chrono.newest_first"), value=True)

events = chronology.list_events(
    engine,
    actor,
    since=datetime.combine(first, time.min, tzinfo=zone),
    until=datetime.combine(last, time.max, tzinfo=zone),
    kinds=kinds,
    ward_code=ward,
    disaster_id=disaster.id if disaster else None,
    lang=lang,
)
st.caption(t("chrono.count", count=len(events)))
rows = [
    {
        t("chrono.col.time"): timefmt.local(e.at).strftime(chronology.TIME_FORMAT),
        t("chrono.col.kind"): t(f"chrono.kind.{e.kind}"),
        t("chrono.col.place"): e.place,
        t("chrono.col.who"): e.who or "",
        t("chrono.col.text"): e.text,
    }
    for e in (reversed(events) if newest_first else events)
]
st.dataframe(rows, hide_index=True, width="stretch", height=560)
st.download_button(
    t("chrono.export"),
    data=chronology.events_csv(events, lang=lang),
    file_name=f"chronology-{first:%Y%m%d}-{last:%Y%m%d}.csv",
    mime="text/csv",
    icon=":material/download:",
)
