"""Run the app's HTTP routes (``dashboard.web.ROUTES``) alone under uvicorn, in this process:
``python -m tests.dashboard.web_server PORT``. For tests that watch the server's memory from
outside (tests/dashboard/test_web_body_limit.py)."""

import sys

import uvicorn
from starlette.applications import Starlette

from dashboard import web

if __name__ == "__main__":
    app = Starlette(routes=web.ROUTES)
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
