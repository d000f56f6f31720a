"""The optional situation-report detail of the damage report form (第N報): injuries split into
重傷/軽傷 and the 住家被害 class with its 棟/世帯/人. Empty fields are 未確認, never 0."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.domain import HOUSING_CLASSES
from dashboard.services import damage
from dashboard.ui.state import t

# Names of the detail widgets in the form (with the report's other typed fields).
DETAIL_NAMES = ("housing_class", *damage.DETAIL_FIELDS)


def detail_fields(key: Callable[[str], str], field_error: Callable[..., None], keep: dict) -> None:
    """The detail inputs under one expander; ``key`` names a widget of the form's generation."""
    with st.expander(t("damage.detail"), icon=":material/summarize:"):
        st.caption(t("damage.detail_help"))
        columns = st.columns(2)
        for column, name in zip(columns, damage.DETAIL_FIELDS[:2], strict=True):
            with column:
                st.text_input(t(f"damage.count.{name}"), key=key(name), **keep)
                field_error(name)
        st.selectbox(
            t("damage.housing_class"),
            HOUSING_CLASSES,
            index=None,
            format_func=lambda c: t(f"housing.{c}"),
            placeholder=t("app.choose"),
            key=key("housing_class"),
            **keep,
        )
        field_error("housing_class")
        columns = st.columns(3)
        for column, name in zip(columns, damage.DETAIL_FIELDS[2:], strict=True):
            with column:
                st.text_input(t(f"damage.count.{name}"), key=key(name), **keep)
                field_error(name)
