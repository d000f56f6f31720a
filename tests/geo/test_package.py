"""The geo package stays a plain library: importable without the UI or the app."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_geo_imports_neither_streamlit_nor_dashboard():
    check = (
        "import sys, geo; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'dashboard')); "
        "assert not bad, bad"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
