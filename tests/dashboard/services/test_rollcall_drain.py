"""The delivery worker drains a roll-call of a few thousand people: every person gets exactly one
message per channel they have, in batches, even with two workers at once; reminders then reach
exactly the unanswered, once each, with a fresh link (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from dashboard.services import delivery, rollcall
from dashboard.settings import Settings
from dashboard.storage.db import reading
from dashboard.storage.models import OutboxMessage
from tests.dashboard.services.test_rollcall import SECRET, T0, Recorder, answer
from tests.factories import CHUO, CITY, KITA

PEOPLE = 3000
BATCH = 250
# People who answer before the reminders are due.
ANSWERING = 300
SETTINGS = Settings(
    secret_key=SECRET,
    base_url="http://dashboard.test",
    ack_link_hours=24,
    worker_batch_size=BATCH,
    worker_concurrency=8,
)


def register(engine, admin) -> dict[str, tuple[str | None, str | None]]:
    """PEOPLE staff in two wards: a third e-mail only, a third LINE WORKS only, a third both."""
    contacts, lines = {}, ["employee_number,name,unit_code,tier,email,lineworks_user_id"]
    for i in range(PEOPLE):
        number = f"E{i:05d}"
        email = f"e{i}@example.lg.jp" if i % 3 != 1 else None
        lineworks = f"lw-{i}" if i % 3 != 0 else None
        contacts[number] = (email, lineworks)
        unit = KITA if i % 2 else CHUO
        lines.append(f"{number},職員{i},{unit},{1 + i % 4},{email or ''},{lineworks or ''}")
    report = rollcall.import_staff(engine, admin, "\n".join(lines).encode(), dry_run=False)
    assert report.applied and report.created == PEOPLE
    return contacts


def drain(engine, channels, now, *, workers: int = 1) -> list[int]:
    """Run the outbox until nothing is due, with ``workers`` threads; the claimed batch sizes."""
    sizes: list[int] = []

    def loop():
        while True:
            report = delivery.run_outbox_once(
                engine, now=now, channels=channels, credentials={}, settings=SETTINGS
            )
            if report.claimed == 0:
                return
            sizes.append(report.claimed)

    threads = [threading.Thread(target=loop) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sizes


def addresses(recorders) -> Counter:
    sent = Counter()
    for kind, recorder in recorders.items():
        for _message, target in recorder.sent:
            sent[(kind, target["to"][0] if kind == "email" else target["user_id"])] += 1
    return sent


def expected(contacts, numbers) -> Counter:
    wanted = Counter()
    for number in numbers:
        email, lineworks = contacts[number]
        if email:
            wanted[("email", email)] += 1
        if lineworks:
            wanted[("lineworks", lineworks)] += 1
    return wanted


def test_two_workers_drain_a_rollcall_of_thousands_once_per_channel_then_remind(city):
    engine = city.engine
    contacts = register(engine, city.admin)
    rc = rollcall.start_rollcall(
        engine,
        city.admin,
        submission_id="drain",
        scope_code=CITY,
        remind_after_minutes=30,
        now=T0,
    )
    channels = {"email": Recorder("email"), "lineworks": Recorder("lineworks")}
    sizes = drain(engine, channels, T0, workers=2)
    want = expected(contacts, contacts)
    assert addresses(channels) == want  # everyone, once per channel: no duplicate, none missing
    assert sum(sizes) == sum(want.values()) == 4000 and max(sizes) <= BATCH
    with reading(engine) as s:
        statuses = dict(
            s.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
    assert statuses == {"sent": 4000}
    assert rollcall.board(engine, city.admin, rc).total.sent == PEOPLE

    # Every link is personal: it opens its own person's page.
    by_token = {}
    for message, _target in channels["email"].sent[:50]:
        token = parse_qs(urlsplit(message.ack_url).query)["token"][0]
        by_token[token] = rollcall.answer_page(engine, token, settings=SETTINGS, now=T0).name
    assert len(set(by_token.values())) == len(by_token) == 50

    # Some answer (through their own links); the others are reminded once, on every channel.
    answered = set()
    for i, (message, _target) in enumerate(channels["email"].sent[:ANSWERING]):
        token = parse_qs(urlsplit(message.ack_url).query)["token"][0]
        answered.add(rollcall.answer_page(engine, token, settings=SETTINGS, now=T0).name)
        answer(engine, token, f"a{i}", now=T0 + timedelta(minutes=10))
    assert len(answered) == ANSWERING
    reminded_at = T0 + timedelta(minutes=30)
    assert rollcall.remind_unanswered(engine, now=reminded_at) == PEOPLE - ANSWERING
    assert rollcall.remind_unanswered(engine, now=reminded_at) == 0  # not twice
    reminders = {"email": Recorder("email"), "lineworks": Recorder("lineworks")}
    drain(engine, reminders, reminded_at, workers=2)
    names = {f"職員{int(n[1:])}": n for n in contacts}
    unanswered = [n for name, n in names.items() if name not in answered]
    assert addresses(reminders) == expected(contacts, unanswered)
    assert all(m.title.startswith("【督促】") for r in reminders.values() for m, _ in r.sent)
