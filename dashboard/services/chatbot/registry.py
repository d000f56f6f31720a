"""The bot's handlers, one entry per kind of message: a postback prefix (``rc``, ``sh``…), a
typed command (「避難所」), what a conversation awaits (an evacuee count), or a content type
(image, location, free text). Each feature module registers its own; dispatch only looks up.

A handler is ``handler(ctx, argument) -> list[Reply]``.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard.services.chatbot.context import Context, Reply

Handler = Callable[[Context, str], list[Reply]]

# "prefix" of "prefix:argument" postbacks.
POSTBACKS: dict[str, Handler] = {}
# Whole typed messages (after trimming), e.g. 「避難所」.
COMMANDS: dict[str, Handler] = {}
# state["awaiting"]["kind"] -> the handler of the next typed text.
AWAITING: dict[str, Handler] = {}
# Event kinds: "image", "location", and "text" (typed text nothing else claimed).
CONTENT: dict[str, Handler] = {}


def _register(table: dict[str, Handler], keys: tuple[str, ...]) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        for key in keys:
            if key in table:
                raise RuntimeError(f"bot handler {key!r} registered twice")
            table[key] = handler
        return handler

    return decorate


def on_postback(*prefixes: str) -> Callable[[Handler], Handler]:
    return _register(POSTBACKS, prefixes)


def on_command(*words: str) -> Callable[[Handler], Handler]:
    return _register(COMMANDS, words)


def on_awaiting(*kinds: str) -> Callable[[Handler], Handler]:
    return _register(AWAITING, kinds)


def on_content(*kinds: str) -> Callable[[Handler], Handler]:
    return _register(CONTENT, kinds)
