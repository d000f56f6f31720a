"""The app's own CSS, on every page: touch targets a finger can hit, the phone layout, and the
file uploader in Japanese.

Streamlit has no locale: its file uploader says "Drag and drop file here", "Limit 10MB per file"
and "Upload" whatever the language. The texts are hidden here and the translated ones drawn in
their place with CSS ``content:`` (no script). A phone is a viewport below ``PHONE_MAX_PX``.
"""

from __future__ import annotations

import json

import streamlit as st

from dashboard.ui.state import t

# Streamlit's own breakpoint for stacking columns (its sidebar overlays the page below it too).
PHONE_MAX_PX = 640
# WCAG 2.5.5 / Apple HIG: a finger needs about 44 CSS px.
TOUCH_PX = 44
# Keyed containers other modules put content in (Streamlit gives them the class st-key-<key>).
FIGURES_KEY = "map_figures"

_CSS = """
/* Touch targets: buttons, links of the menu, radio and checkbox rows, select boxes. */
.stButton button, .stFormSubmitButton button, .stDownloadButton button,
.stLinkButton a, [data-testid="stPageLink-NavLink"], [data-testid="stSidebarNavLink"],
[data-testid^="stBaseButton-segmented_control"],
[data-testid="stFileUploaderDropzone"] button {
  min-height: %(touch)dpx;
}
label[data-baseweb="radio"], label[data-baseweb="checkbox"] {
  min-height: %(touch)dpx;
  align-items: center;
}
.stTextInput input, .stNumberInput input, .stTextArea textarea, .stDateInput input,
.stTimeInput input, [data-baseweb="select"] > div {
  min-height: %(touch)dpx;
}
/* The file uploader in the user's language: Streamlit's texts hidden, ours drawn instead. */
[data-testid="stFileUploaderDropzoneInstructions"] > div > * { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: %(drop)s;
  font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {
  font-size: 0;
}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: %(browse)s;
  font-size: 1rem;
}
@media (max-width: %(phone)dpx) {
  [data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: %(limit)s; }
  /* The situation map first, its key figures folded below it, two to a row. */
  .st-key-%(figures)s, [data-testid="stLayoutWrapper"]:has(> .st-key-%(figures)s) { order: 1; }
  .st-key-%(figures)s [data-testid="stHorizontalBlock"] { flex-wrap: wrap; gap: 0.5rem; }
  .st-key-%(figures)s [data-testid="stColumn"] {
    flex: 1 1 calc(50%% - 0.5rem) !important;
    min-width: calc(50%% - 0.5rem) !important;
  }
}
"""

# On a phone the menu covers the page: close it once a page is chosen, as a phone app does
# (Streamlit leaves it open). Added once per browser tab; the flag survives reruns.
_MENU_SCRIPT = """<script>
if (!window.__dashboardMenuCloses) {
  window.__dashboardMenuCloses = true;
  document.addEventListener("click", (event) => {
    if (window.innerWidth > PHONE_MAX_PX) return;
    if (!event.target.closest("[data-testid=stSidebarNavLink]")) return;
    const close = document.querySelector("[data-testid=stSidebarCollapseButton] button");
    if (close) setTimeout(() => close.click(), 0);
  }, true);
}
</script>"""


def apply() -> None:
    """Put the app's CSS on the page (an empty element: nothing shows, nothing takes space)."""
    css = _CSS % {
        "touch": TOUCH_PX,
        "phone": PHONE_MAX_PX,
        "figures": FIGURES_KEY,
        # JSON strings are valid CSS strings; the texts are ours, never user input.
        "drop": json.dumps(t("upload.drop"), ensure_ascii=False),
        "limit": json.dumps(t("upload.limit"), ensure_ascii=False),
        "browse": json.dumps(t("upload.browse"), ensure_ascii=False),
    }
    st.html(f"<style>{css}</style>")
    st.html(_MENU_SCRIPT.replace("PHONE_MAX_PX", str(PHONE_MAX_PX)), unsafe_allow_javascript=True)
