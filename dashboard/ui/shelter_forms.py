"""The shelter page's pieces: labels, the status form of one shelter with its conflict warning,
the history, and the ad-hoc shelter fields. The page keeps the callbacks that call services.

The status form of shelter ``id`` keeps its fields under ``shelter.<id>.<field>`` and the status
it was opened with under ``shelter.<id>.base``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from dashboard import timefmt
from dashboard.domain import Need, ShelterState
from dashboard.services import shelters
from dashboard.ui import charts
from dashboard.ui.forms import form_values, general_error
from dashboard.ui.state import plain, show_field_errors, t

# Widgets whose values outlive picking another shelter or visiting another page.
KEEP = {"persist_state": "session"}


def state_label(code: str | None) -> str:
    return t(f"shelter_state.{code}") if code else t("shelter_state.none")


def age_label(at, lang: str) -> str:
    return timefmt.format_age(at, datetime.now(UTC), lang)


def status_row(entry: shelters.StatusEntry, lang: str) -> dict:
    """One status report as a table row; user text stays plain (no markdown)."""
    return {
        t("shelter.col.time"): timefmt.format_time(entry.reported_at, lang, date=True),
        t("shelter.col.state"): state_label(entry.state),
        t("shelter.evacuees"): entry.evacuees,
        t("shelter.households"): entry.households,
        t("shelter.voluntary_evacuees"): entry.voluntary_evacuees,
        t("shelter.needs"): ", ".join(t(f"need.{n}") for n in entry.needs),
        t("shelter.note"): entry.note or "",
        t("shelter.col.kind"): t("shelter.unchanged") if entry.confirmation else "",
        t("shelter.col.by"): entry.reported_by or "-",
    }


def shelter_table(views: list[shelters.ShelterView], lang: str) -> None:
    st.dataframe(
        [
            {
                t("shelter.col.name"): v.name,
                t("shelter.col.state"): state_label(v.state),
                t("shelter.col.evacuees"): f"{v.evacuees} / "
                + (t("export.capacity.unknown") if v.capacity is None else str(v.capacity)),
                t("shelter.col.age"): age_label(v.updated_at, lang),
            }
            for v in views
        ],
        hide_index=True,
        width="stretch",
        height=min(36 * (len(views) + 1) + 4, 300),
    )


def status_editor(
    view: shelters.ShelterView,
    lang: str,
    *,
    save: Callable[..., None],
    take_theirs: Callable[[], None],
) -> None:
    """The status form of one shelter; ``save(shelter_id, rebase_to=None)`` stores it."""
    ss, p = st.session_state, f"shelter.{view.id}"
    errors = ss.get(f"{p}.errors")
    with st.container(border=True):
        last = t(
            "shelter.last_report",
            state=state_label(view.state),
            age=age_label(view.updated_at, lang),
        )
        capacity = (
            t("shelter.capacity_unknown")
            if view.capacity is None
            else t("shelter.capacity", capacity=view.capacity)
        )
        st.caption(f"{last} · {capacity}")
        st.segmented_control(
            t("shelter.state"),
            list(ShelterState),
            format_func=state_label,
            key=f"{p}.state",
            **KEEP,
        )
        show_field_errors(errors, "state")
        left, middle, right = st.columns(3)
        left.text_input(t("shelter.evacuees"), key=f"{p}.evacuees", **KEEP)
        middle.text_input(t("shelter.households"), key=f"{p}.households", **KEEP)
        right.text_input(
            t("shelter.voluntary_evacuees"),
            key=f"{p}.voluntary_evacuees",
            help=t("shelter.voluntary_help"),
            **KEEP,
        )
        show_field_errors(errors, "evacuees", "households", "voluntary_evacuees")
        for hint, params in shelters.status_form_hints(view, form_values(p, ("evacuees", "state"))):
            st.warning(t(hint, **params), icon=":material/warning:")
            if hint == "shelter.suggest_full":
                st.button(
                    t("shelter.make_full"), on_click=ss.update, args=({f"{p}.state": "full"},)
                )
        st.pills(
            t("shelter.needs"),
            list(Need),
            selection_mode="multi",
            format_func=lambda n: t(f"need.{n}"),
            key=f"{p}.needs",
            **KEEP,
        )
        st.text_area(t("shelter.note"), key=f"{p}.note", height=80, **KEEP)
        show_field_errors(errors, "needs", "note")
        if (latest := ss.get(f"{p}.conflict")) is not None:
            st.warning(
                t("shelter.conflict", who=plain(latest.reported_by or "-")), icon=":material/sync:"
            )
            st.dataframe([status_row(latest, lang)], hide_index=True)
            keep, take = st.columns(2)
            keep.button(t("shelter.keep_mine"), on_click=save, args=(view.id, latest.id))
            take.button(t("shelter.take_theirs"), on_click=take_theirs)
        else:
            general_error(errors)
            st.button(
                t("shelter.save"),
                type="primary",
                icon=":material/save:",
                width="stretch",
                on_click=save,
                args=(view.id,),
            )


def status_history(history: list[shelters.StatusEntry], lang: str) -> None:
    """Evacuees over time and every report, newest first."""
    charts.time_chart(
        [(h.reported_at, h.evacuees) for h in history],
        x_title=t("chart.time"),
        y_title=t("chart.evacuees"),
    )
    st.dataframe([status_row(h, lang) for h in reversed(history)], hide_index=True)


def adhoc_fields(prefix: str, errors) -> None:
    """The typed fields of the ad-hoc shelter form (the map above fills the coordinates)."""
    st.text_input(
        t("damage.coordinates"), key=f"{prefix}.coordinates", help=t("adhoc.map_help"), **KEEP
    )
    show_field_errors(errors, "coordinates")
    st.text_input(t("adhoc.name"), key=f"{prefix}.name", **KEEP)
    show_field_errors(errors, "name")
    left, right = st.columns(2)
    left.text_input(t("adhoc.capacity"), key=f"{prefix}.capacity", placeholder="0", **KEEP)
    right.text_input(t("shelter.evacuees"), key=f"{prefix}.evacuees", placeholder="0", **KEEP)
    show_field_errors(errors, "capacity", "evacuees")
    st.text_input(t("adhoc.address"), key=f"{prefix}.address", **KEEP)
    show_field_errors(errors, "address")
    general_error(errors)
