from datetime import UTC, datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from dashboard.storage.db import reading, transaction
from dashboard.storage.migrate import current_revision, head_revision, upgrade_head
from dashboard.storage.models import AuditEntry, Base, Jurisdiction, Shelter, ShelterStatus


def test_migrations_from_empty_produce_the_models(engine):
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_upgrade_head_twice_is_a_no_op(engine):
    upgrade_head(engine)
    assert current_revision(engine) == head_revision()


def test_round_trip_keeps_utc_time_json_and_relations(engine):
    jst = timezone(timedelta(hours=9))
    reported = datetime(2026, 11, 25, 9, 30, tzinfo=jst)
    with transaction(engine) as s:
        s.add(Jurisdiction(code="27100", level="municipality", name_ja="大阪市"))
        shelter = Shelter(
            name="テスト小学校",
            ward_code="27100",
            lat=34.7,
            lon=135.5,
            capacity=300,
            kind="designated",
            hazards=["earthquake", "flood"],
        )
        s.add(shelter)
        s.flush()
        s.add(
            ShelterStatus(
                submission_id="a",
                shelter_id=shelter.id,
                state="open",
                evacuees=12,
                needs=["water"],
                reported_at=reported,
            )
        )
        s.add(AuditEntry(action="test", detail={"名前": "値", "n": 1}))
    with reading(engine) as s:
        status = s.scalars(select(ShelterStatus)).one()
        assert status.reported_at == reported
        assert status.reported_at.tzinfo is not None
        assert status.reported_at.utcoffset() == timedelta(0)
        assert status.reported_at.hour == 0  # 09:30 JST is 00:30 UTC
        assert status.shelter.hazards == ["earthquake", "flood"]
        assert status.needs == ["water"]
        assert s.scalars(select(AuditEntry)).one().detail == {"名前": "値", "n": 1}


def test_naive_datetimes_are_refused(engine):
    import pytest
    from sqlalchemy.exc import StatementError

    with pytest.raises(StatementError, match="naive datetime"):
        with transaction(engine) as s:
            s.add(AuditEntry(action="x", at=datetime(2026, 1, 1)))
    with reading(engine) as s:
        assert s.scalars(select(AuditEntry)).all() == []
    assert datetime.now(UTC).tzinfo is UTC
