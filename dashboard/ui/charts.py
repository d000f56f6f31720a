"""Charts over time with titles and numbers as officials read them (Altair, no English axes).

``st.line_chart`` names its axes after the data's columns ("time", "rate") and shows raw
numbers (0.000000); these charts take translated titles and Vega formats instead.
"""

from __future__ import annotations

from datetime import datetime

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.timefmt import local

# Vega formats: hours and minutes on the time axis; whole numbers or percentages on the other.
TIME_FORMAT = "%H:%M"
COUNT_FORMAT = "d"
SHARE_FORMAT = ".0%"


def time_chart(
    points: list[tuple[datetime, float]],
    *,
    x_title: str,
    y_title: str,
    share: bool = False,
    height: int = 200,
) -> None:
    """A line over (UTC time, value) points; times shown in the deployment's zone. ``share``:
    the values are fractions, shown as percentages."""
    # Wall-clock times without a zone: Vega reads them as the browser's local time and shows
    # them unchanged, whatever zone the browser is in.
    frame = pd.DataFrame(
        {"at": [local(at).replace(tzinfo=None) for at, _ in points], "v": [v for _, v in points]}
    )
    value_format = SHARE_FORMAT if share else COUNT_FORMAT
    chart = (
        alt.Chart(frame, height=height)
        .mark_line(point=True)
        .encode(
            x=alt.X("at:T", title=x_title, axis=alt.Axis(format=TIME_FORMAT)),
            y=alt.Y("v:Q", title=y_title, axis=alt.Axis(format=value_format, tickMinStep=1)),
            tooltip=[
                alt.Tooltip("at:T", title=x_title, format=TIME_FORMAT),
                alt.Tooltip("v:Q", title=y_title, format=value_format),
            ],
        )
    )
    st.altair_chart(chart, width="stretch")
