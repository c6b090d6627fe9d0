"""The dashboard's two HTML documents. No inline script or style: the CSP forbids both."""

from __future__ import annotations

import html

__all__ = ["app_page", "login_page"]

_HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>
"""


def login_page(error: str = "", notice: str = "") -> str:
    message = ""
    if error:
        message = f'<p class="error" role="alert" id="login-error">{html.escape(error)}</p>'
    elif notice:
        message = f'<p class="notice" role="status" id="login-notice">{html.escape(notice)}</p>'
    return (
        _HEAD.format(title="Palisade analytics: sign in")
        + f"""<body class="login">
<main class="card">
<h1>Palisade analytics</h1>
{message}
<form method="post" action="/dashboard/login" id="login-site">
<h2>Site</h2>
<label>Sitekey <input name="sitekey" autocomplete="username" required
 spellcheck="false" autocapitalize="off"></label>
<label>Secret <input name="secret" type="password" autocomplete="current-password"
 required></label>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/dashboard/login" id="login-admin">
<h2>Operator</h2>
<label>Admin token <input name="token" type="password" autocomplete="current-password"
 required></label>
<button type="submit">Sign in as admin</button>
</form>
</main>
</body>
</html>
"""
    )


def app_page(built: bool) -> str:
    if not built:
        body = (
            '<main class="card"><p class="error">The dashboard is not built: run '
            "<code>npm ci &amp;&amp; npm run build</code> in <code>sdk_js/dashboard</code>."
            "</p></main>"
        )
    else:
        body = """<header class="bar">
<h1>Palisade analytics</h1>
<div class="controls">
<label>Site <select id="site"></select></label>
<label>Range <select id="range">
<option value="3600">1 hour</option>
<option value="21600">6 hours</option>
<option value="86400" selected>24 hours</option>
<option value="172800">48 hours</option>
<option value="604800">7 days</option>
<option value="2592000">30 days</option>
<option value="7776000">90 days</option>
</select></label>
<form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>
</div>
</header>
<main id="app" aria-busy="true">
<section class="tiles" id="tiles"></section>
<section class="panel wide"><h2>Requests and pass rate</h2><div class="chart" id="chart-requests">
</div></section>
<section class="panel wide"><h2>Escalations vs refusals</h2><div class="chart" id="chart-esc">
</div></section>
<section class="panel"><h2>Score distribution</h2><div class="chart" id="chart-scores"></div>
</section>
<section class="panel"><h2>Model versions</h2><table id="models"></table></section>
<section class="panel"><h2>Top reason codes</h2><table id="reasons"></table></section>
<section class="panel"><h2>Top offending subnets</h2><table id="subnets"></table></section>
<p id="status" role="status"></p>
</main>
<script type="module" src="/dashboard/assets/dashboard.js"></script>
"""
    return _HEAD.format(title="Palisade analytics") + "<body>\n" + body + "</body>\n</html>\n"
