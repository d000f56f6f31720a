from __future__ import annotations

from datetime import datetime

import pytest

from dashboard.channels import CHANNELS, Channel, Message, get_channel
from dashboard.channels.texts import TEXTS, format_deadline, format_subject
from tests.dashboard.channels.factories import make_message


def test_registry_holds_the_three_channels_by_kind():
    assert set(CHANNELS) == {"lineworks", "email", "webhook"}
    for kind, channel in CHANNELS.items():
        assert channel.kind == kind
        assert isinstance(channel, Channel)
        assert get_channel(kind) is channel


def test_unknown_kind_names_the_known_ones():
    with pytest.raises(KeyError, match="email, lineworks, webhook"):
        get_channel("fax")


@pytest.mark.parametrize("kind", ["lineworks", "email", "webhook"])
def test_empty_target_is_never_valid(kind: str):
    assert get_channel(kind).validate_target({}) != []


@pytest.mark.parametrize("kind", ["lineworks", "email", "webhook"])
def test_missing_configuration_is_a_final_failure_not_an_exception(kind: str):
    result = get_channel(kind).send(make_message(), {}, {}, timeout=0.5)

    assert not result.ok and not result.retryable
    assert "configuration" in result.detail


def test_message_rejects_unknown_priority_language_and_naive_deadline():
    with pytest.raises(ValueError, match="priority"):
        make_message(priority="critical")
    with pytest.raises(ValueError, match="language"):
        make_message(language="fr")
    with pytest.raises(ValueError, match="timezone-aware"):
        make_message(deadline=datetime(2025, 9, 1, 18, 30))
    assert isinstance(make_message(), Message)


def test_texts_have_prefixed_keys_and_both_languages():
    for key, entry in TEXTS.items():
        assert key.startswith("channel."), key
        assert set(entry) == {"ja", "en"}, key
        assert all(entry.values()), key


def test_deadline_is_shown_in_japan_time():
    utc_deadline = datetime.fromisoformat("2025-09-01T09:30:00+00:00")

    assert format_deadline(utc_deadline, "ja") == "期限: 2025年9月1日 18:30"
    assert format_deadline(utc_deadline, "en") == "Deadline: 2025-09-01 18:30 JST"


def test_subject_tags_only_raised_priorities():
    assert format_subject("報告", "normal", "ja") == "[指示] 報告"
    assert format_subject("報告", "high", "ja") == "【重要】[指示] 報告"
    assert format_subject("Report\nnow", "urgent", "en") == "[Urgent] [Directive] Report now"
