"""Entry point: ``streamlit run dashboard/app.py``.

Streamlit serves the pages of ``shell.py``. Beside them, on the same port, this ASGI app takes
two plain HTTP requests (see ``dashboard.web``): the LINE WORKS bot callback
(``POST /lineworks/callback``) and the page's request to set the login cookie ``HttpOnly``
(``POST /session``).
"""

import os
import sys
from pathlib import Path

# `streamlit run` puts this file's folder on sys.path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402
from streamlit import net_util  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402

from dashboard.settings import get_settings, require_valid_settings  # noqa: E402
from dashboard.web import ROUTES  # noqa: E402


def served_address() -> str:
    """This process's own address, from Streamlit's configuration (``--server.port`` …): the
    bound address unless it is every interface, else the configured browser address."""
    port = st.get_option("server.port") or 8501
    host = st.get_option("server.address") or ""
    if host in ("", "0.0.0.0", "::"):
        host = st.get_option("browser.serverAddress") or "127.0.0.1"
    return f"http://{host}:{port}"


# A wrong configuration (e.g. no shared secret with a database server) stops the process here
# with one clear line, before it serves anyone.
if "base_url" not in require_valid_settings().model_fields_set:
    # No DASHBOARD_BASE_URL: links in messages point where this process serves (its port),
    # not to the default 8501 of another.
    os.environ["DASHBOARD_BASE_URL"] = served_address()
    get_settings.cache_clear()
require_valid_settings()

# dashboard/pages/ sits beside shell.py, so Streamlit takes this for an old-style multipage app
# until the first st.navigation call in the process: the first request of a fresh process for
# /admin would run pages/admin.py directly, without the shell's login. The shell always
# navigates, so say so before any session starts.
PagesManager.uses_pages_directory = False

# The dashboard runs on a city LAN. Streamlit would ask checkip.amazonaws.com for this machine's
# external address (at start-up, and on every cross-origin websocket attempt, blocking the server
# for up to 2 s each time when offline); this app never needs that address.
net_util.get_external_ip = lambda: None

app = st.App(str(Path(__file__).with_name("shell.py")), routes=ROUTES)
