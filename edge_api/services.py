"""The expensive, long-lived parts of the service, built once in the app lifespan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from edge_api.coalesce import CoalescedScorer
from edge_api.events import EventSink, SubnetHasher
from edge_api.guard import Guard
from edge_api.people_recording import PeopleRecording
from edge_api.pow import ChallengeIssuer
from edge_api.settings import Settings
from edge_api.sites import SiteRegistry
from edge_api.store import Store
from edge_api.tokens import TokenService

__all__ = ["DemoSite", "Services"]


@dataclass(frozen=True, slots=True)
class DemoSite:
    """The dev-mode demo site's credentials (the demo page verifies with them)."""

    sitekey: str
    secret: str


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    sites: SiteRegistry
    challenges: ChallengeIssuer
    tokens: TokenService
    scorer: CoalescedScorer
    clock: Callable[[], float]
    admin_token: str | None
    events: EventSink
    subnet_hash: SubnetHasher
    guard: Guard
    # Dev mode's demo page, recorded when PALISADE_RECORD_PEOPLE names a file.
    people: PeopleRecording | None = None
