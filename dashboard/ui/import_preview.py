"""The import preview's "what will change": per field (or kept column), how many stored shelters
the file would change, written before anything is stored."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.ui.state import t

# Fields a layout may lack; the preview says that the stored values of those stay.
NOT_ALWAYS_CARRIED = ("capacity", "kana", "address", "hazards")


def field_label(name: str) -> str:
    if name.startswith("attr:"):
        return name.removeprefix("attr:")
    return t(f"data.field.{name}")


def show_changes(preview) -> None:
    """The counts, then a table of the changed fields (none: a line saying nothing changes)."""
    st.write(
        t(
            "data.counts",
            created=preview.created,
            updated=preview.updated,
            unchanged=preview.unchanged,
            rejected=len(preview.rejected),
        )
    )
    if preview.linked:
        st.caption(t("data.linked", count=preview.linked))
    missing = [f for f in NOT_ALWAYS_CARRIED if f not in preview.carried]
    if missing:
        # Said before the changes: a GSI file leaves the capacities as they are.
        st.caption(t("data.not_carried", fields="、".join(field_label(f) for f in missing)))
    if not preview.changes:
        st.caption(t("data.no_changes"))
        return
    st.caption(t("data.changes"))
    st.dataframe(
        pd.DataFrame(
            [
                {t("data.col.field"): field_label(name), t("data.col.changed"): count}
                for name, count in preview.changes.items()
            ]
        ),
        hide_index=True,
    )
