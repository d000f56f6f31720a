"""Factories that build small, known data in code. Each test owns what it builds."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Engine

from dashboard.domain import Actor, Role
from dashboard.services.accounts import actor_for, hash_password
from dashboard.services.areas import store_areas
from dashboard.services.demo import demo_areas
from dashboard.storage.db import transaction
from dashboard.storage.models import Shelter, User

PASSWORD = "correct-horse-battery"
KITA, CHUO, CITY, PREF = "27127", "27128", "27100", "27000"
# Points well inside the schematic 北区 and 中央区 (the wards' own representative points).
KITA_POINT = (34.70267, 135.50003)
CHUO_POINT = (34.67891, 135.5155)


@lru_cache(maxsize=1)
def _areas():
    return demo_areas()


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass
class City:
    engine: Engine
    actors: dict[str, Actor] = field(default_factory=dict)
    shelters: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Actor:
        try:
            return self.actors[name]
        except KeyError:
            raise AttributeError(name) from None


# name -> (role, area)
ACCOUNTS = {
    "governor": (Role.GOVERNOR, PREF),
    "mayor": (Role.MAYOR, CITY),
    "admin": (Role.CRISIS_ADMIN, CITY),
    "kita_head": (Role.WARD_HEAD, KITA),
    "kita_staff": (Role.WARD_STAFF, KITA),
    "chuo_staff": (Role.WARD_STAFF, CHUO),
    "viewer": (Role.VIEWER, CITY),
}


def make_user(session, username: str, role: Role, area: str) -> User:
    user = User(
        username=username,
        display_name=username,
        role=role.value,
        jurisdiction_code=area,
        password_hash=_password_hash(),
    )
    session.add(user)
    session.flush()
    return user


def make_shelter(
    session,
    *,
    name: str,
    ward: str,
    lat: float,
    lon: float,
    capacity: int = 100,
    kind: str = "designated",
) -> Shelter:
    shelter = Shelter(
        name=name,
        ward_code=ward,
        lat=lat,
        lon=lon,
        capacity=capacity,
        kind=kind,
        hazards=["earthquake"],
    )
    session.add(shelter)
    session.flush()
    return shelter


def make_city(engine: Engine) -> City:
    """The 24 demo wards, one account per role, and two shelters in 北区 and one in 中央区."""
    city = City(engine)
    with transaction(engine) as session:
        store_areas(session, _areas(), schematic=True)
        for name, (role, area) in ACCOUNTS.items():
            city.actors[name] = actor_for(make_user(session, name, role, area))
        for key, name, ward, (lat, lon), capacity in (
            ("kita1", "北第1小学校", KITA, KITA_POINT, 200),
            ("kita2", "北第2中学校", KITA, (KITA_POINT[0] + 0.002, KITA_POINT[1]), 500),
            ("chuo1", "中央第1小学校", CHUO, CHUO_POINT, 300),
        ):
            city.shelters[key] = make_shelter(
                session, name=name, ward=ward, lat=lat, lon=lon, capacity=capacity
            ).id
    return city


def without_demo_register(engine) -> None:
    """Take the demo's fictional staff register and required staff out, for tests that import
    a register of their own and count its people."""
    from sqlalchemy import delete

    from dashboard.storage.db import transaction
    from dashboard.storage.models import StaffingRequirement, StaffMember

    with transaction(engine) as session:
        session.execute(delete(StaffingRequirement))
        session.execute(delete(StaffMember))
