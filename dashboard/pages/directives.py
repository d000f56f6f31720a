"""Directives (指示): send and track (command staff); receive, 了解 and answer (wards)."""

import streamlit as st

from dashboard.channels.base import PRIORITIES
from dashboard.errors import ServiceError
from dashboard.services import command_map, directives
from dashboard.ui import directives as ui
from dashboard.ui import state
from dashboard.ui.chrome import DELIVERY_PARAM, local_time, plain
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
        t("directive.view"), views, format_func=lambda v: t(f"directive.view.{v}"),
        key="directive_view", label_visibility="collapsed",
    )  # fmt: skip


def apply_template() -> None:
    chosen = directives.TEMPLATES.get(st.session_state.get("directive_template"))
    if chosen:
        st.session_state["directive_title"] = chosen.title(lang)
        st.session_state["directive_body"] = chosen.body(lang)
        st.session_state["directive_priority"] = chosen.priority
        if units := directives.template_targets(engine, actor, chosen.key):
            st.session_state["directive_targets"] = units  # meant for a kind of unit (建設局 …)


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
    suggested = command_map.suggested_targets(engine, actor)
    st.session_state.setdefault("directive_targets", list(suggested))
    st.session_state.setdefault("directive_priority", "normal")
    ui.suggestion_captions(suggested, names)
    chosen = st.multiselect(
        t("directive.targets"), list(names), format_func=names.get, key="directive_targets",
        placeholder=t("app.choose"),
    )
    st.caption(t("directive.target_count", count=len(chosen)))
    ui.target_buttons(list(names), directives.target_groups(engine, actor))
    st.selectbox(
        t("directive.template"),
        [None, *directives.TEMPLATES],
        key="directive_template",
        format_func=lambda k: t(f"template.{k}.title") if k else t("directive.free_text"),
        on_change=apply_template,
    )
    title = st.text_input(
        t("directive.title"), key="directive_title", max_chars=directives.TITLE_MAX
    )
    body = st.text_area(t("directive.body"), key="directive_body", height=140)
    priority = st.segmented_control(
        t("directive.priority"), PRIORITIES, key="directive_priority",
        format_func=lambda p: t(f"channel.priority.{p}"),
    )  # fmt: skip
    fields = {
        "ward_codes": st.session_state["directive_targets"],
        "template": st.session_state.get("directive_template"),
        "title": title, "body": body, "priority": priority or "normal",
        "deadline": ui.deadline_input(), "lang": lang,
    }  # fmt: skip
    if st.button(t("directive.send"), type="primary", icon=":material/send:"):
        submit(fields, confirmed=False)
    if st.session_state.get("directive_duplicate") == title:
        # The same title went to the same wards a moment ago from another click: ask first.
        st.warning(t("directive.duplicate_warning"), icon=":material/warning:")
        if st.button(t("directive.send_again"), icon=":material/send:"):
            submit(fields, confirmed=True)


def submit(fields: dict, *, confirmed: bool) -> None:
    try:
        sent = directives.send_directive(
            engine, actor, submission_id=state.submission_id("directive"), confirmed=confirmed,
            **fields,
        )  # fmt: skip
    except directives.DuplicateDirective:
        st.session_state["directive_duplicate"] = fields["title"]
    except ServiceError as exc:
        state.show_error(exc)
    else:
        st.session_state.pop("directive_duplicate", None)
        st.session_state["directive_sent"] = st.session_state["board_directive"] = sent
        st.rerun()


@state.fragment(run_every=state.settings().directive_poll_seconds)
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
    ui.board_metrics(board)
    resend = t("board.resend", count=len(board.unacknowledged))
    if board.unacknowledged and st.button(resend, icon=":material/replay:"):
        count = directives.resend_unacknowledged(engine, actor, directive_id)
        st.toast(t("board.resent", count=count))
    ui.board_details(board, directives.board_areas(engine, actor, board), lang)


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
    if item.holder_rank and not item.acknowledged_at:
        st.warning(t("inbox.passed_to", n=item.holder_rank), icon=":material/person_alert:")
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
            t("inbox.answer_status"), statuses, horizontal=True,
            format_func=lambda s: t(f"answer.{s}"),
            index=statuses.index(item.answer_status) if item.answer_status else 0,
        )  # fmt: skip
        text = st.text_area(t("inbox.answer_text"), value=item.answer_text or "")
        if st.form_submit_button(t("inbox.answer"), icon=":material/reply:"):
            try:
                directives.answer(engine, actor, item.delivery_id, status=status, text=text)
            except ServiceError as exc:
                state.show_error(exc)
            else:
                st.toast(t("inbox.answered"))


view = st.session_state.get("directive_view") or views[0]
{"send": send_view, "board": board_view, "inbox": inbox_view}[view]()
