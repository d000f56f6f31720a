"""The command map's own widgets: the directive box beside the map (areas selected by clicks
or suggested, the pre-filled template, one click to send, the followed directive's
acknowledgements), "send to this area" in the side panel, and the replay's time slider with its
play button. The services decide; this reads widgets and formats."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from dashboard.clock import utcnow
from dashboard.errors import ServiceError
from dashboard.services import command_map as cm
from dashboard.services import directives
from dashboard.timefmt import format_time
from dashboard.ui import chrome, confirm, state
from dashboard.ui.chrome import plain
from dashboard.ui.state import t

# Session keys: the areas selected for a directive, whether map clicks select, the last draft
# sent (so the same click cannot send twice), a draft waiting for "send again", the replay.
TARGETS, PICK, SENT, AGAIN = "map_targets", "map_pick", "map_sent", "map_send_again"
# Set by a send: the next read of the map is this session's own, not the process's shared one
# (which may not have seen the new data version yet).
FRESH = "map_fresh"
REPLAY, MOMENT, PLAYING, RESTART = "map_replay", "map_moment", "map_playing", "map_restart"
# Seconds between two steps of the replay's play button.
PLAY_SECONDS = 2
# A directive to more areas than this, or at 至急, is asked about once before it is sent.
ASK_ABOVE_AREAS = 3
# Session key (prefix) of a send being asked about (ui/confirm.py).
ASK = "map_send_ask_"


def picking() -> bool:
    return bool(st.session_state.get(PICK))


def selected() -> list[str]:
    return list(st.session_state.get(TARGETS) or [])


def toggle_target(code: str) -> None:
    """A click on an area while picking: add it to the selection, or take it out again."""
    chosen = selected()
    st.session_state[TARGETS] = (
        [c for c in chosen if c != code]
        if code in chosen
        else [
            *chosen,
            code,
        ]
    )


def _draft(codes: list[str]) -> cm.DirectiveDraft:
    """The pre-filled directive for ``codes`` (none: the suggested areas), read once per data
    version, minute and selection for all sessions of the same area and role (the box is
    redrawn on every refresh of every command map)."""
    engine, actor = state.get_engine(), state.current_actor()

    def read(codes: tuple[str, ...], minute: datetime) -> cm.DirectiveDraft:
        return cm.draft_directive(engine, actor, selected=codes, now=minute)

    return chrome.shared_read(engine, actor, "map-draft", (tuple(codes),), utcnow(), read)


def target_names(lang: str) -> dict[str, str]:
    """Names of the areas the user may send to, and of the wards below (a declaration reaches
    a city's wards: the governor's caption names them, never their codes), shared like the
    draft."""
    engine, actor = state.get_engine(), state.current_actor()

    def read(lang: str, minute: datetime) -> dict[str, str]:
        targets = directives.list_targets(engine, actor)
        names = dict(cm.ward_choices(engine, actor, lang=lang))
        return names | {code: (en if lang == "en" and en else ja) for code, ja, en in targets}

    return dict(chrome.shared_read(engine, actor, "map-targets", (lang,), utcnow(), read))


def _names(codes, names: dict[str, str]) -> str:
    """Area names for a caption (markdown): shown literally."""
    return t("situation.separator").join(plain(names.get(c, c)) for c in codes)


def _send(draft: cm.DirectiveDraft, names: dict[str, str], *, confirmed: bool) -> None:
    engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
    form = f"map-directive:{','.join(draft.ward_codes)}:{draft.template}"
    try:
        cm.send_draft(
            engine,
            actor,
            draft,
            submission_id=state.submission_id(form),
            lang=lang,
            confirmed=confirmed,
        )
    except directives.DuplicateDirective:
        st.session_state[AGAIN] = draft
        return
    except ServiceError as exc:
        state.show_error(exc)
        return
    state.new_submission_id(form)
    st.session_state.pop(AGAIN, None)
    st.session_state[SENT] = (draft, _names(draft.ward_codes, names))
    st.session_state[FRESH] = True
    st.rerun()  # the map shows the new directive's wards as waiting for 了解 at once


def _needs_asking(draft: cm.DirectiveDraft) -> bool:
    return len(draft.ward_codes) > ASK_ABOVE_AREAS or draft.priority == "urgent"


def _send_or_ask(draft: cm.DirectiveDraft, names: dict[str, str], where: str) -> None:
    """One click sends a small, ordinary directive; many areas or 至急 are asked about once."""
    if _needs_asking(draft):
        confirm.request(ASK + where, draft)
        st.rerun()
    _send(draft, names, confirmed=False)  # reruns once sent


def _asked(draft: cm.DirectiveDraft, names: dict[str, str], where: str) -> None:
    """The question for the draft being asked about: how many areas, which, what and how urgent."""
    count = len(draft.ward_codes)
    question = t(
        "confirm.send_many",
        count=count,
        names=_names(draft.ward_codes, names),
        title=draft.title(state.lang()),
        priority=t(f"channel.priority.{draft.priority}"),
    )
    if confirm.ask(ASK + where, question, t("confirm.send_yes", count=count), what=draft):
        _send(draft, names, confirmed=False)


def _confirmation(draft: cm.DirectiveDraft, slot, key: str) -> bool:
    """The short confirmation of the draft just sent, in ``slot`` (in place of its button: one
    click, one directive); False when this draft was not the last one sent."""
    sent = st.session_state.get(SENT)
    if not sent or sent[0] != draft:
        return False
    with slot.container():
        st.success(
            t("mapcmd.sent", names=sent[1], title=draft.title(state.lang())),
            icon=":material/check_circle:",
        )
        # The same directive once more (a reminder): a deliberate second step.
        if st.button(t("directive.new"), icon=":material/add:", key=f"map_new_{key}"):
            st.session_state.pop(SENT, None)
            st.rerun()
    return True


def send_box(v: cm.SituationView, choices: dict[str, str], names: dict[str, str]) -> None:
    """Beside the map: the areas selected (clicks on the map fill it in while picking), the
    pre-filled directive and its send button, and the followed directive's 了解 so far."""
    lang = state.lang()
    st.markdown("##### " + t("mapcmd.heading"))
    st.toggle(t("mapcmd.pick"), key=PICK)
    st.session_state[TARGETS] = [c for c in selected() if c in choices]
    st.multiselect(
        t("mapcmd.selected"),
        list(choices),
        format_func=choices.get,
        key=TARGETS,
        placeholder=t("mapcmd.placeholder"),
    )
    try:
        draft = _draft(selected())
    except ServiceError as exc:
        state.show_error(exc)
        return
    if not draft.ward_codes:
        st.caption(t("mapcmd.no_targets"))
    else:
        which = "selected" if draft.selected else "suggested"
        st.caption(t(f"mapcmd.targets.{which}", names=_names(draft.ward_codes, names)))
        priority = t(f"channel.priority.{draft.priority}")
        st.caption(t("mapcmd.template", title=draft.title(lang), priority=priority))
        slot = st.empty()
        if not _confirmation(draft, slot, "box") and slot.button(
            t("mapcmd.send"), type="primary", icon=":material/send:", key="map_send"
        ):
            _send_or_ask(draft, names, "box")
        _asked(draft, names, "box")
        if st.session_state.get(AGAIN) == draft:
            st.warning(t("directive.duplicate_warning"), icon=":material/warning:")
            if st.button(t("mapcmd.send_again"), icon=":material/send:", key="map_send_again"):
                _send(draft, names, confirmed=True)
    tracked_caption(v.tracked, names)


def tracked_caption(tracked: cm.TrackedDirective | None, names: dict[str, str]) -> None:
    """The directive the map follows: acknowledged so far, and who is still waiting."""
    if tracked is None:
        return
    st.caption(
        t(
            "mapcmd.tracked",
            title=plain(tracked.title),  # typed by the sender
            time=format_time(tracked.issued_at, state.lang(), date=True),
            done=len(tracked.done),
            total=len(tracked.acknowledged),
        )
    )
    if tracked.waiting:
        st.caption(t("mapcmd.tracked.waiting", names=_names(tracked.waiting, names)))


def send_to_area(code: str, names: dict[str, str]) -> None:
    """In the side panel: the same pre-filled directive to this one area, in one click."""
    try:
        draft = _draft([code])
    except ServiceError:
        return  # not an area this user can address: no button
    if draft.ward_codes != (code,):
        return  # the governor's targets are cities: their map box sends to them
    slot = st.empty()
    if _confirmation(draft, slot, code):
        return
    label = t("mapcmd.to_ward", title=draft.title(state.lang()))
    if slot.button(label, icon=":material/send:", key=f"map_send_{code}"):
        _send_or_ask(draft, names, code)
    _asked(draft, names, code)


def replay_on() -> bool:
    return bool(st.session_state.get(REPLAY))


def playing() -> bool:
    return replay_on() and bool(st.session_state.get(PLAYING))


def replay_moment(span: cm.ReplaySpan) -> datetime:
    """The replay's slider and play button; returns the moment to show. While playing, each
    run steps one moment on, and the last one stops the play (a full run changes the pace)."""
    moments = span.moments()
    if st.session_state.get(MOMENT) not in moments:  # opened: start from the latest moment
        st.session_state[MOMENT] = moments[-1]
    if st.session_state.pop(RESTART, False):
        st.session_state[MOMENT] = moments[0]
    if playing():
        at = moments.index(st.session_state[MOMENT])
        if at + 1 >= len(moments):
            st.session_state[PLAYING] = False
            st.rerun(scope="app")
        st.session_state[MOMENT] = moments[at + 1]
    slider, button = st.columns([6, 1], vertical_alignment="bottom")
    moment = slider.select_slider(
        t("mapcmd.replay.moment"),
        moments,
        format_func=lambda at: format_time(at, state.lang(), date=True),
        key=MOMENT,
    )
    label, icon = (
        ("mapcmd.replay.stop", ":material/stop:")
        if playing()
        else ("mapcmd.replay.play", ":material/play_arrow:")
    )
    if button.button(t(label), icon=icon, key="map_play"):
        st.session_state[PLAYING] = not playing()
        # Played to the end before: start again from the beginning.
        st.session_state[RESTART] = st.session_state[PLAYING] and moment == moments[-1]
        st.rerun(scope="app")
    st.caption(t("mapcmd.replay.note", time=format_time(moment, state.lang(), date=True)))
    return moment
