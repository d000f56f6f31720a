"""The disaster HQ as an organisation: departments (部局) beside the wards, which units' heads are
HQ members (本部員), each unit's head and deputies in a fixed order (代行順位) with history, the
roster's CSV import, and the stand-in (代行) by which a directive passes from a silent or
unavailable head to the next deputy (the delivery worker's periodic job ``hand_over_overdue``)."""

from dashboard.services.gate import gate
from dashboard.services.hq.importing import HQ_COLUMNS, HqImportReport, import_roster, parse_rank
from dashboard.services.hq.standin import (
    PURPOSE_STANDIN,
    REASONS,
    current_holding,
    enqueue_holder_messages,
    hand_over_overdue,
)
from dashboard.services.hq.units import (
    MAX_DEPUTIES,
    UNIT_KINDS,
    Holder,
    RosterUnit,
    add_department,
    create_department,
    holder_history,
    holder_rank_at,
    holders_in_force,
    hq_member_codes,
    kind_codes,
    list_roster,
    set_holders,
    set_unit,
    unit_accounts,
    unit_codes,
)

__all__ = [
    "HQ_COLUMNS",
    "HqImportReport",
    "Holder",
    "MAX_DEPUTIES",
    "PURPOSE_STANDIN",
    "REASONS",
    "RosterUnit",
    "UNIT_KINDS",
    "add_department",
    "create_department",
    "current_holding",
    "enqueue_holder_messages",
    "hand_over_overdue",
    "holder_history",
    "holder_rank_at",
    "holders_in_force",
    "hq_member_codes",
    "import_roster",
    "kind_codes",
    "list_roster",
    "parse_rank",
    "set_holders",
    "set_unit",
    "unit_accounts",
    "unit_codes",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
