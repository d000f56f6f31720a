"""被害報告の確認: crisis management confirms, resolves or marks damage reports as duplicates.

Possible duplicates (same category within 100 m and 30 minutes) are listed with the report, each
with a one-tap "duplicate of" button. User-typed text is shown as plain text, never as markdown.
"""

import streamlit as st

from dashboard import timefmt
from dashboard.domain import DAMAGE_CATEGORIES, ReviewState
from dashboard.errors import ServiceError
from dashboard.services import areas, damage
from dashboard.services import command_map as cm
from dashboard.ui import exports as ui_exports
from dashboard.ui import state
from dashboard.ui.report_tables import review_list
from dashboard.ui.state import t

FLASH, ERRORS, PICK, TARGET = "review.flash", "review.errors", "review.pick", "review.target"
# list_report_views lists at most this many (the newest).
LIST_LIMIT = 100

engine = state.get_engine()
actor = state.current_actor()
lang = state.lang()
ss = st.session_state
names = areas.area_names(engine, lang)


def act(report_id: int, action: str, duplicate_of: int | None = None) -> None:
    try:
        new_state = damage.review_report(
            engine, actor, report_id, action=action, duplicate_of=duplicate_of
        )
    except ServiceError as exc:
        ss[ERRORS] = exc
        return
    ss.pop(ERRORS, None)
    ss[FLASH] = t("review.done", id=report_id, state=t(f"review.{new_state}"))


def summary(r: damage.ReportView) -> str:
    return (
        f"#{r.id} {DAMAGE_CATEGORIES[r.category].icon} {t(f'category.{r.category}')}"
        f" · {t('review.severity_short', severity=r.severity)} · {names.get(r.ward_code, '-')}"
        f" · {timefmt.format_time(r.reported_at, lang)} · {t(f'review.{r.review_state}')}"
    )


st.title(t("nav.review"))
if flash := ss.pop(FLASH, None):
    st.success(flash, icon=":material/check_circle:")
if (error := ss.pop(ERRORS, None)) is not None:
    fields = getattr(error, "fields", {}) or {"": (error.key, error.params)}
    for message_key, params in fields.values():
        st.error(t(message_key, **params), icon=":material/error:")

left, right = st.columns(2)
states = left.pills(
    t("review.filter_state"),
    [s.value for s in ReviewState],
    selection_mode="multi",
    default=[ReviewState.NEW.value],
    format_func=lambda s: t(f"review.{s}"),
    key="review.states",
)
ward = right.selectbox(
    t("review.filter_ward"),
    [None, *(a.code for a in areas.list_areas(engine, actor, level="ward"))],
    format_func=lambda c: t("review.all_wards") if c is None else names.get(c, c),
    key="review.ward",
)
filters = {"review_states": states or None, "ward_code": ward}
reports = damage.list_report_views(engine, actor, limit=LIST_LIMIT, **filters)
total = cm.count_reports(engine, actor, **filters) if len(reports) >= LIST_LIMIT else 0
if total > len(reports):  # the list holds the newest only: say how many there are
    st.caption(t("review.count_newest", total=f"{total:,}", shown=len(reports)))
else:
    st.caption(t("review.count", count=len(reports)))
ui_exports.damage_reports_download(engine, actor, **filters)
if not reports:
    st.stop()
review_list(reports, names, lang)
by_id = {r.id: r for r in reports}
if ss.get(PICK) not in by_id:
    ss[PICK] = reports[0].id
picked = st.selectbox(
    t("review.pick"), list(by_id), format_func=lambda i: summary(by_id[i]), key=PICK
)

detail = damage.get_report(engine, actor, picked)
report = detail.report
with st.container(border=True):
    st.markdown(f"**{summary(report)}**")
    st.caption(
        t(
            "review.casualties",
            dead=report.dead,
            injured=report.injured,
            missing=report.missing,
            trapped=report.trapped,
        )
    )
    st.caption(t("review.where", lat=f"{report.lat:.5f}", lon=f"{report.lon:.5f}"))
    if report.outside_reporter_ward:
        st.warning(t("review.outside", ward=names.get(report.reporter_ward_code, "-")))
    for text in (report.location_text, report.description):
        if text:
            st.text(text)
    if report.duplicate_of_id:
        st.caption(t("review.is_duplicate", id=report.duplicate_of_id))
    if detail.photos:
        st.image([p.thumbnail for p in detail.photos], width=160)
    buttons = st.columns(3)
    for column, action in zip(buttons, ("confirm", "resolve", "reopen"), strict=True):
        column.button(
            t(f"review.action.{action}"),
            on_click=act,
            args=(report.id, action),
            width="stretch",
            disabled=report.review_state == damage.REVIEW_ACTIONS[action].state,
            key=f"review.{action}",
        )

if detail.possible_duplicates:
    st.warning(t("review.possible_duplicates", count=len(detail.possible_duplicates)))
for other in detail.possible_duplicates:
    text_col, button_col = st.columns([3, 1])
    text_col.text(summary(other))
    button_col.button(
        t("review.mark_duplicate_of", id=other.id),
        on_click=act,
        args=(report.id, "duplicate", other.id),
        key=f"review.dup.{other.id}",
    )
with st.expander(t("review.duplicate_other")):
    st.number_input(t("review.duplicate_id"), min_value=1, step=1, value=None, key=TARGET)
    st.button(
        t("review.action.duplicate"),
        on_click=lambda: act(report.id, "duplicate", ss.get(TARGET) and int(ss[TARGET])),
        key="review.dup.other",
    )
