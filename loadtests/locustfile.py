"""The same mix for the ``locust`` command (web UI, or distributed workers):

    .venv/bin/locust -f loadtests/locustfile.py --host http://127.0.0.1:8000 \\
        --sitekey SITEKEY --secret SECRET [--headless --run-time 60s]

The site must allow the hostname ``loadtest.example`` (``pow_min = pow_max = 4``
keeps the proof of work cheap), and the server must trust the load generator as a
proxy (``PALISADE_TRUSTED_PROXIES=127.0.0.1/32``) so X-Forwarded-For spreads the
simulated clients over their own addresses. ``python -m loadtests run`` does all of it.
"""

from __future__ import annotations

from typing import Any

from locust import events

from loadtests.payloads import human_signals
from loadtests.scenarios import AbusiveClient, CustomerBackend, WidgetVisitor, configure

# No LoadTestShape here: locust would use it and ignore --users (the runner has the surge).
__all__ = ["AbusiveClient", "CustomerBackend", "WidgetVisitor"]


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--sitekey", default="", help="sitekey of the load-test site")
    parser.add_argument("--secret", default="", help="secret of the load-test site")


@events.init.add_listener
def _configure(environment: Any, **_: Any) -> None:
    options = environment.parsed_options
    if options is not None and options.sitekey:
        configure(options.sitekey, options.secret, human_signals(90))
