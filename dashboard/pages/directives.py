"""Directives (指示): send and track (mayor, governor, crisis management); receive, acknowledge
(了解) and answer (wards)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st
from streamlit_folium import st_folium

from dashboard.channels.base import PRIORITIES
from dashboard.errors import ServiceError
from dashboard.services import directives
from dashboard.ui import state
from dashboard.ui.chrome import DELIVERY_PARAM, local_time, plain
from dashboard.ui.map_assets import board_map
from dashboard.ui.state import t

engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
st.title(t("nav.directives"))

views = (["send", "board"] if actor.is_command else []) + ["inbox"]
linked = st.query_params.get(DELIVERY_PARAM)
if linked and st.session_state.get("directive_linked") != linked:
    # Arrived from the banner's link: show that directive (once; the user may switch views).
    st.session_state["directive_linked"] = linked
    st.session_state["directive_view"] = "inbox"
elif st.session_state.get("directive_view") not in views:
    st.session_state["directive_view"] = views[0]
if len(views) > 1:
    st.segmented_control(
        t("directive.view"),
        views,
        format_func=lambda v: t(f"directive.view.{v}"),
        key="directive_view",
        label_visibility="collapsed",
    )


def apply_template() -> None:
    chosen = directives.TEMPLATES.get(st.session_state.get("directive_template"))
    if chosen:
        st.session_state["directive_title"] = chosen.title(lang)
        st.session_state["directive_body"] = chosen.body(lang)
        st.session_state["directive_priority"] = chosen.priority


def send_view() -> None:
    if st.session_state.get("directive_sent"):
        # The send button is gone until "new directive": a second click cannot send twice.
        st.success(t("directive.sent"), icon=":material/check_circle:")
        if st.button(t("directive.new"), icon=":material/add:"):
            st.session_state.pop("directive_sent")
            state.new_submission_id("directive")
            st.rerun()
        return
    targets = directives.list_targets(engine, actor)
    names = {code: (en if lang == "en" and en else ja) for code, ja, en in targets}
    suggested = directives.suggested_targets(engine, actor)
    st.session_state.setdefault("directive_targets", list(suggested))
    st.session_state.setdefault("directive_priority", "normal")
    for reason in directives.TARGET_REASONS:  # one line per reason, not one per ward
        wards = "、".join(names.get(c, c) for c, why in suggested.items() if reason in why)
        if wards:
            st.caption(
                t("directive.suggested", reason=t(f"directive.reason.{reason}"), names=wards)
            )
    chosen = st.multiselect(
        t("directive.targets"), list(names), format_func=names.get, key="directive_targets"
    )
    st.caption(t("directive.target_count", count=len(chosen)))
    st.button(
        t("directive.all_targets"),
        icon=":material/select_all:",
        on_click=lambda: st.session_state.update(directive_targets=list(names)),
    )
    st.selectbox(
        t("directive.template"),
        [None, *directives.TEMPLATES],
        key="directive_template",
        format_func=lambda k: t(f"template.{k}.title") if k else t("directive.free_text"),
        on_change=apply_template,
    )
    title = st.text_input(t("directive.title"), key="directive_title", max_chars=200)
    body = st.text_area(t("directive.body"), key="directive_body", height=140)
    priority = st.segmented_control(
        t("directive.priority"),
        PRIORITIES,
        key="directive_priority",
        format_func=lambda p: t(f"channel.priority.{p}"),
    )
    deadline = None
    if st.checkbox(t("directive.with_deadline")):
        col_date, col_time = st.columns(2)
        day = col_date.date_input(t("directive.deadline_date"))
        at = col_time.time_input(t("directive.deadline_time"))
        deadline = datetime.combine(day, at, tzinfo=ZoneInfo(state.settings().timezone))
    if st.button(t("directive.send"), type="primary", icon=":material/send:"):
        try:
            sent = directives.send_directive(
                engine,
                actor,
                submission_id=state.submission_id("directive"),
                ward_codes=st.session_state["directive_targets"],
                template=st.session_state.get("directive_template"),
                title=title,
                body=body,
                priority=priority or "normal",
                deadline=deadline,
                lang=lang,
            )
        except ServiceError as exc:
            state.show_error(exc)
        else:
            st.session_state["directive_sent"] = st.session_state["board_directive"] = sent
            st.rerun()


@st.fragment(run_every=state.settings().directive_poll_seconds)
def board_view() -> None:
    sent = {d.id: d for d in directives.list_directives(engine, actor)}
    if not sent:
        st.info(t("board.none"))
        return
    ids = list(sent)
    chosen = st.session_state.get("board_directive")
    directive_id = st.selectbox(
        t("board.directive"),
        ids,
        index=ids.index(chosen) if chosen in ids else 0,
        format_func=lambda i: t(
            "board.option",
            time=local_time(sent[i].issued_at, with_date=True),
            title=sent[i].title,
            acknowledged=sent[i].acknowledged,
            wards=sent[i].wards,
        ),
    )
    st.session_state["board_directive"] = directive_id
    board = directives.directive_board(engine, actor, directive_id)
    d = board.directive
    cols = st.columns(4)
    cols[0].metric(t("board.share"), f"{board.share_acknowledged:.0%}")
    cols[1].metric(t("board.acknowledged"), f"{d.acknowledged}/{d.wards}")
    cols[2].metric(t("board.answered"), d.answered)
    cols[3].metric(t("board.escalated_count"), d.escalated)
    resend = t("board.resend", count=len(board.unacknowledged))
    if board.unacknowledged and st.button(resend, icon=":material/replay:"):
        count = directives.resend_unacknowledged(engine, actor, directive_id)
        st.toast(t("board.resent", count=count))
    st.caption(t("board.map_caption"))
    st_folium(
        board_map(directives.board_areas(engine, actor, board), lang),
        height=380, use_container_width=True, returned_objects=[], key=f"board_map_{directive_id}",
    )  # fmt: skip
    table = directives.board_table(board, lang, state.settings().timezone)
    st.dataframe(table, hide_index=True, use_container_width=True)


def inbox_view() -> None:
    items = directives.list_inbox(engine, actor)
    if not items:
        st.info(t("inbox.none"))
        return
    opened = linked or st.session_state.get("inbox_open")
    opened = int(opened) if str(opened).isdigit() else None
    for item in items:
        with st.container(border=True):
            colour = "red" if item.status == "unread" else "gray"
            by = f" · {plain(item.issued_by)}" if item.issued_by else ""
            st.markdown(
                f"**{plain(item.title)}**  \n:{colour}-badge[{t(f'inbox.status.{item.status}')}] "
                f":gray-badge[{t(f'channel.priority.{item.priority}')}] "
                f"{local_time(item.issued_at, with_date=True)}{by}"
            )
            if item.delivery_id == opened:
                detail(item)
            elif st.button(t("inbox.open_item"), key=f"open_{item.delivery_id}"):
                st.session_state["inbox_open"] = item.delivery_id
                if DELIVERY_PARAM in st.query_params:
                    del st.query_params[DELIVERY_PARAM]
                st.rerun()


def detail(item: directives.InboxItem) -> None:
    directives.mark_read(engine, actor, item.delivery_id)
    st.text(item.body)
    if item.deadline:
        st.caption(t("inbox.deadline", time=local_time(item.deadline, with_date=True)))
    if not directives.may_acknowledge(actor):
        st.caption(t("inbox.head_acknowledges"))
        return
    key = item.delivery_id
    if item.acknowledged_at:
        done = t("inbox.acknowledged_at", time=local_time(item.acknowledged_at))
        st.success(done, icon=":material/task_alt:")
    elif st.button(
        t("inbox.acknowledge"), type="primary", icon=":material/task_alt:", key=f"ack_{key}"
    ):
        directives.acknowledge(engine, actor, item.delivery_id)
        st.rerun()
    statuses = directives.ANSWER_STATUSES
    with st.form(f"answer_{key}"):
        status = st.radio(
            t("inbox.answer_status"),
            statuses,
            horizontal=True,
            format_func=lambda s: t(f"answer.{s}"),
            index=statuses.index(item.answer_status) if item.answer_status else 0,
        )
        text = st.text_area(t("inbox.answer_text"), value=item.answer_text or "")
        if st.form_submit_button(t("inbox.answer"), icon=":material/reply:"):
            try:
                directives.answer(engine, actor, item.delivery_id, status=status, text=text)
            except ServiceError as exc:
                state.show_error(exc)
            else:
                st.toast(t("inbox.answered"))


{"send": send_view, "board": board_view, "inbox": inbox_view}[
    st.session_state.get("directive_view") or views[0]
]()
