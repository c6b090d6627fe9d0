"""The ASGI application: routes, middleware, and a lifespan that builds everything once."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, ExceptionHandler, Lifespan

from edge_api.access import AccessMiddleware
from edge_api.admin import admin_routes
from edge_api.analytics import open_analytics
from edge_api.analytics.api import analytics_routes
from edge_api.analytics.dashboard import dashboard_routes
from edge_api.challenge_api import challenge_app
from edge_api.coalesce import CoalescedScorer
from edge_api.cors import preflight
from edge_api.demo_site import ensure_demo_site
from edge_api.errors import exception_handlers
from edge_api.events import EventSink, SubnetHasher
from edge_api.guard import Guard
from edge_api.health import healthz, readyz
from edge_api.hotpath import HotRoute, HotRoutes
from edge_api.keys import load_admin_token, load_keyring
from edge_api.looplag import LoopLagProbe
from edge_api.metrics import (
    metrics_endpoint,
    observe_store_batch,
    set_breaker_state,
    worker_exit,
)
from edge_api.middleware import BodyLimitMiddleware
from edge_api.model_admin import model_routes
from edge_api.openapi import openapi_endpoint
from edge_api.people_recording import PeopleRecording
from edge_api.pow import ChallengeIssuer
from edge_api.services import Services
from edge_api.settings import Settings
from edge_api.sites import SiteRegistry
from edge_api.siteverify import SiteverifyApp
from edge_api.store import Store, open_store
from edge_api.submit_api import submit_app
from edge_api.tokens import TokenService
from edge_api.widget import demo_routes, widget_routes
from scoring import Scorer, load_default_scorer

__all__ = ["BODY_LIMITS", "create_app"]

logger = logging.getLogger("palisade")

BODY_LIMITS = (
    ("/v1/challenge", 2 * 1024),
    ("/v1/submit", 256 * 1024),
    ("/siteverify", 8 * 1024),
    ("/turnstile/v0/siteverify", 8 * 1024),
    ("/recaptcha/api/siteverify", 8 * 1024),
    ("/admin/", 64 * 1024),
)


def hot_routes() -> list[HotRoute]:
    """The endpoints that carry the traffic, served ahead of Starlette's layers."""
    return [
        HotRoute("POST", "/siteverify", SiteverifyApp("hcaptcha")),
        HotRoute("POST", "/turnstile/v0/siteverify", SiteverifyApp("turnstile")),
        HotRoute("POST", "/recaptcha/api/siteverify", SiteverifyApp("recaptcha")),
        HotRoute("POST", "/v1/submit", submit_app),
        HotRoute("POST", "/v1/challenge", challenge_app),
    ]


def routes(hot: list[HotRoute]) -> list[BaseRoute]:
    # The hot routes too, so that other methods on their paths answer 405 as usual.
    return [
        *(Route(r.path, r.app, methods=[r.method]) for r in hot),
        Route("/v1/challenge", preflight, methods=["OPTIONS"]),
        Route("/v1/submit", preflight, methods=["OPTIONS"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/openapi.json", openapi_endpoint, methods=["GET"]),
        *admin_routes(),
        *model_routes(),
        *analytics_routes(),
        *dashboard_routes(),
    ]


def _load_scorer(settings: Settings) -> Scorer:
    """The ONNX scorer (loaded and warmed up once per worker, in the lifespan)."""
    return load_default_scorer(settings.model_path, settings.shadow_model_path)


class PalisadeApp(Starlette):
    """Starlette, with ``front`` middleware and the hot routes ahead of its own layers.

    Request accounting and body limits wrap everything; the hot routes are answered
    next; every other request goes through Starlette's stack as in any Starlette app.
    """

    def __init__(
        self,
        *,
        front: list[Middleware],
        hot: list[HotRoute],
        routes: list[BaseRoute],
        exception_handlers: Mapping[Any, ExceptionHandler],
        lifespan: Lifespan[Starlette],
    ) -> None:
        super().__init__(routes=routes, exception_handlers=exception_handlers, lifespan=lifespan)
        self._front = front
        self._hot = hot

    def build_middleware_stack(self) -> ASGIApp:
        app: ASGIApp = HotRoutes(
            super().build_middleware_stack(),
            routes=self._hot,
            exception_handlers={
                key: handler
                for key, handler in self.exception_handlers.items()
                if isinstance(key, type)
            },
        )
        for cls, args, kwargs in reversed(self._front):
            app = cls(app, *args, **kwargs)
        return app


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], float] = time.time,
    store: Store | None = None,
    scorer: Scorer | None = None,
    events: EventSink | None = None,
) -> PalisadeApp:
    """Build the app. ``clock``, ``store``, ``scorer`` and ``events`` are injectable."""
    settings = settings or Settings.from_env()
    # Fail at start-up, not on the first request, when keys are missing or broken.
    keyring = load_keyring(settings)
    admin_token = load_admin_token(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        active_store = store or open_store(
            None if settings.redis_url is None else settings.redis_url.reveal(),
            on_batch=observe_store_batch,
            on_breaker_state=set_breaker_state,
        )
        if not await active_store.ping():
            logger.warning("the store does not answer yet; /readyz reports 503 until it does")
        analytics = open_analytics(active_store, clock)
        app.state.analytics = analytics
        app.state.session_keys = keyring.derive("palisade/session/v1")
        app.state.session_kid = keyring.active
        services = Services(
            settings=settings,
            store=active_store,
            sites=SiteRegistry(
                active_store, cache_seconds=settings.site_cache_seconds, clock=clock
            ),
            challenges=ChallengeIssuer(keyring, lifetime=settings.challenge_seconds),
            tokens=TokenService(keyring),
            scorer=CoalescedScorer(scorer or _load_scorer(settings)),
            clock=clock,
            admin_token=admin_token,
            events=events or analytics.recorder,
            subnet_hash=SubnetHasher(keyring.derive("palisade/subnet/v1")[keyring.active]),
            guard=Guard(
                settings, active_store, keyring.derive("palisade/fingerprint/v1")[keyring.active]
            ),
        )
        app.state.services = services
        if settings.dev:
            app.state.demo_site = await ensure_demo_site(services)
            if settings.record_people is not None:
                services.people = PeopleRecording(
                    settings.record_people, app.state.demo_site.sitekey
                )
        await analytics.start()
        loop_lag = LoopLagProbe()
        loop_lag.start()
        # What start-up built (modules, the model, numba's compiled kernels) lives as long
        # as the worker: keep it out of the collector's full passes, which took over
        # 100 ms on that heap and stalled whichever requests were in flight.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await loop_lag.stop()
            await analytics.stop()
            if services.people is not None:
                services.people.close()
            if store is None:
                await active_store.close()
            worker_exit()

    hot = hot_routes()
    app_routes = routes(hot) + widget_routes()
    if settings.dev:
        app_routes += demo_routes()
    return PalisadeApp(
        front=[
            Middleware(AccessMiddleware),
            Middleware(BodyLimitMiddleware, limits=BODY_LIMITS),
        ],
        hot=hot,
        routes=app_routes,
        exception_handlers=exception_handlers,
        lifespan=lifespan,
    )
