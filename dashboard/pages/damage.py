"""被害報告: a damage report from a phone — a point on the map or typed, details, photos.

Widgets keep what was typed until the report is stored: a refused or failed save changes nothing
on screen but the messages, and everything typed (photos aside: an upload cannot be put back)
survives a visit to another page through Streamlit's ``persist_state="session"``. No ``st.form``:
a form sends its values only on submit, so leaving the page would lose them. The widget keys
carry a generation number that moves on after a successful save, which empties the form (file
uploads cannot be reset any other way).
"""

import streamlit as st

from dashboard.domain import DAMAGE_CATEGORIES, SEVERITIES, Level
from dashboard.errors import ServiceError, StorageUnavailable
from dashboard.services import areas, damage
from dashboard.services.damage import MAX_PHOTOS, MAX_UPLOAD_BYTES
from dashboard.ui import state
from dashboard.ui.damage_detail import DETAIL_NAMES, detail_fields
from dashboard.ui.forms import general_error, pick_on_map, typed_point
from dashboard.ui.report_tables import recent_reports
from dashboard.ui.state import show_field_errors, t

FORM = "damage"
COORDS, CONFIRM, GEN, ERRORS, SAVED, CLICK, OFFLINE = (
    f"{FORM}.{name}"
    for name in ("coords", "confirm_outside", "gen", "errors", "saved", "click", "offline")
)
# Fields whose messages are shown under the coordinates input.
LOCATION_FIELDS = ("coordinates", "lat", "lon")
PHOTO_TYPES = ["jpg", "jpeg", "png", "heic", "heif"]

engine = state.get_engine()
actor = state.current_actor()
lang = state.lang()
ss = st.session_state
gen = ss.setdefault(GEN, 0)


def key(name: str, generation: int | None = None) -> str:
    return f"{FORM}.{gen if generation is None else generation}.{name}"


# The typed fields of one generation; their values outlive a visit to another page.
TYPED_NAMES = ("category", "severity", "location", "description")
TYPED_NAMES += (*damage.COUNT_FIELDS, *DETAIL_NAMES)
KEEP = {"persist_state": "session"}


def point_changed() -> None:
    ss[CONFIRM] = False  # an out-of-ward confirmation holds for the point it was given for


def safely(read, *args, default=None, **kwargs):
    """A read for display; with the database away the form stays usable (and says why)."""
    try:
        return read(*args, **kwargs)
    except StorageUnavailable:
        ss[OFFLINE] = True
        return default


def field_error(*names: str) -> None:
    show_field_errors(ss.get(ERRORS), *names)


def submit() -> None:
    """Button callback: runs before the page renders, so the result shows where it belongs."""
    g = ss[GEN]
    try:
        draft = damage.draft_from_form(
            coordinates=ss.get(COORDS),
            category=ss.get(key("category", g)),
            severity=ss.get(key("severity", g)),
            counts={name: ss.get(key(name, g)) for name in damage.COUNT_FIELDS},
            description=ss.get(key("description", g)),
            location_text=ss.get(key("location", g)),
            housing_class=ss.get(key("housing_class", g)),
            detail={name: ss.get(key(name, g)) for name in damage.DETAIL_FIELDS},
        )
        report_id = damage.submit_report(
            engine,
            actor,
            draft,
            submission_id=state.submission_id(FORM),
            confirm_outside=bool(ss.get(CONFIRM)),
            photos=[upload.getvalue() for upload in ss.get(key("photos", g)) or ()],
        )
    except ServiceError as exc:
        ss[ERRORS] = exc
        ss.pop(SAVED, None)
        return
    ss.pop(ERRORS, None)
    ss[SAVED] = report_id
    ss[GEN] = g + 1
    ss[COORDS] = ""
    ss[CONFIRM] = False
    for name in TYPED_NAMES:  # kept values of the saved generation are done with
        ss.pop(key(name, g), None)
    state.new_submission_id(FORM)


st.title(t("nav.damage"))
home = safely(areas.get_area, engine, actor.jurisdiction_code)  # None while the DB is away
if home is not None and home.level == Level.DEPARTMENT:  # departments read, wards report
    st.info(t("hq.department_read_only"), icon=":material/info:")
    st.stop()

# --- Where ---------------------------------------------------------------------------------
st.subheader(t("damage.where"))
ss[OFFLINE] = False
base = safely(areas.map_base, engine, actor)
if base is not None:
    pick_on_map(
        base,
        lang,
        coords_key=COORDS,
        click_key=CLICK,
        map_key=f"{FORM}.map",
        height=260,
        on_pick=point_changed,
    )
if ss[OFFLINE]:
    st.warning(t("reporting.db_offline"), icon=":material/cloud_off:")
st.text_input(
    t("damage.coordinates"),
    key=COORDS,
    on_change=point_changed,
    **KEEP,
    placeholder=t("damage.coordinates_placeholder"),
    help=t("damage.coordinates_help"),
)
field_error(*LOCATION_FIELDS)
point = typed_point(ss.get(COORDS))
place = safely(areas.locate, engine, actor, *point) if point is not None else None
if place is not None:
    if place.in_scope:
        st.caption(t("damage.in_ward", ward=place.name(lang)))
    else:
        st.warning(t("damage.outside_warning", ward=place.name(lang) or t("damage.no_ward")))
        st.checkbox(t("damage.confirm_outside"), key=CONFIRM)

# --- What ----------------------------------------------------------------------------------
st.pills(
    t("damage.category"),
    list(DAMAGE_CATEGORIES),
    format_func=lambda c: f"{DAMAGE_CATEGORIES[c].icon} {t(f'category.{c}')}",
    key=key("category"),
    **KEEP,
)
field_error("category")
st.radio(
    t("damage.severity"),
    SEVERITIES,
    index=None,
    format_func=lambda s: t(f"severity.{s}"),
    key=key("severity"),
    **KEEP,
)
field_error("severity")
columns = st.columns(2)
for i, name in enumerate(damage.COUNT_FIELDS):
    with columns[i % 2]:
        st.text_input(t(f"damage.count.{name}"), key=key(name), placeholder="0", **KEEP)
        field_error(name)
detail_fields(key, field_error, KEEP)
st.text_input(t("damage.location_text"), key=key("location"), **KEEP)
field_error("location")
st.text_area(t("damage.description"), key=key("description"), height=100, **KEEP)
field_error("description")
st.file_uploader(
    t("damage.photos", maximum=MAX_PHOTOS, max_mb=MAX_UPLOAD_BYTES // 2**20),
    type=PHOTO_TYPES,
    accept_multiple_files=True,
    key=key("photos"),
)
field_error("photos")
general_error(error := ss.get(ERRORS))
retry = isinstance(error, StorageUnavailable)
st.button(
    t("damage.retry") if retry else t("damage.submit"),
    type="primary",
    icon=":material/send:",
    width="stretch",
    on_click=submit,
    key=f"{FORM}.submit",
)
if ss.get(SAVED):
    st.success(t("damage.saved", id=ss[SAVED]), icon=":material/check_circle:")

# --- Recent reports of the ward ------------------------------------------------------------
st.subheader(t("damage.recent"))
names = safely(areas.area_names, engine, lang, default={})
recent = safely(damage.list_report_views, engine, actor, limit=10)
if recent is None:  # unknown while the database is away: never "no reports yet"
    st.caption(t("reporting.db_offline"))
else:
    recent_reports(recent, names, lang)
