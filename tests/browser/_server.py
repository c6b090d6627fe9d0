"""``palisade serve``'s app plus the widget and demo routes, for when app.py lacks them.

Used by the browser tests only while ``edge_api/app.py`` does not include
``widget_routes()``/``demo_routes()`` itself (see conftest.py).
"""

from __future__ import annotations

import sys

import uvicorn

from edge_api.app import create_app
from edge_api.widget import demo_routes, widget_routes

app = create_app()
if not any(getattr(r, "path", None) == "/v1/api.js" for r in app.router.routes):
    app.router.routes.extend([*widget_routes(), *demo_routes()])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
