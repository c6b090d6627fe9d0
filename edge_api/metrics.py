"""Prometheus metrics (the request middleware that feeds some of them: ``edge_api.access``).

With several workers, ``palisade serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh
directory before they start; every worker then writes its samples there and
``/metrics`` (answered by any worker) aggregates them all.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

from edge_api.events import DecisionEvent

__all__ = [
    "BREAKER_STATE",
    "DECISIONS",
    "REQUESTS",
    "REQUEST_SECONDS",
    "count_decision",
    "labelled",
    "metrics_endpoint",
    "observe_inference",
    "observe_loop_lag",
    "observe_redis",
    "observe_store_batch",
    "set_breaker_state",
    "worker_exit",
]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "palisade_http_requests_total",
    "HTTP requests by route and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "palisade_http_request_seconds",
    "HTTP request latency by route",
    ["route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
EVENT_LOOP_LAG = Histogram(
    "palisade_event_loop_lag_seconds",
    "How late the worker's event loop woke a probe that asks every 50 ms",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
DECISIONS = Counter(
    "palisade_decisions_total",
    "Verification decisions by endpoint and outcome",
    ["endpoint", "outcome"],
)
DECISION_EVENTS = Counter(
    "palisade_decision_events_total",
    "Challenge, submit and siteverify decisions by kind and outcome",
    ["kind", "outcome"],
)
DECISION_REASONS = Counter(
    "palisade_decision_reasons_total",
    "Reason codes attached to decisions, by kind",
    ["kind", "reason"],
)
MODEL_DECISIONS = Counter(
    "palisade_model_decisions_total",
    "Submit decisions scored by each model version",
    ["model"],
)
INFERENCE_SECONDS = Histogram(
    "palisade_model_inference_seconds",
    "Scoring (model inference) latency by model version",
    ["model"],
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1),
)
REDIS_SECONDS = Histogram(
    "palisade_redis_seconds",
    "Redis round trip latency by operation",
    ["operation"],
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25),
)
REDIS_BATCH_COMMANDS = Histogram(
    "palisade_redis_batch_commands",
    "Commands per auto-pipelined store round trip",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
REDIS_ERRORS = Counter(
    "palisade_redis_errors_total",
    "Redis round trips that failed, by operation",
    ["operation"],
)
BREAKER_STATE = Gauge(
    "palisade_redis_circuit_state",
    "Redis circuit breaker: 0 closed, 1 half-open, 2 open",
    multiprocess_mode="max",
)
ANALYTICS_DROPPED = Counter(
    "palisade_analytics_dropped_events_total",
    "Decision events not aggregated (buffer full or the store failed)",
    ["cause"],
)

_BREAKER_VALUES = {"closed": 0.0, "half_open": 1.0, "open": 2.0}
# Label values come from code (reason codes, outcomes, model ids), but a bug or a
# hostile model id must not explode the series count: past this, "other".
_MAX_LABEL_VALUES = 300
_seen_labels: dict[str, set[str]] = {}


def _bounded(family: str, value: str) -> str:
    seen = _seen_labels.setdefault(family, set())
    if value in seen:
        return value
    if len(seen) >= _MAX_LABEL_VALUES:
        return "other"
    seen.add(value)
    return value


# labels() takes a lock and builds a tuple per call: keep the children (bounded).
_children: dict[tuple[str, str, str], Counter] = {}


def _child(family: str, metric: Counter, kind: str, value: str) -> Counter:
    key = (family, kind, value)
    child = _children.get(key)
    if child is None:
        labels = (kind, _bounded(family, value)) if kind else (_bounded(family, value),)
        child = metric.labels(*labels)
        if len(_children) < 4 * _MAX_LABEL_VALUES:
            _children[key] = child
    return child


_labelled: dict[tuple[int, tuple[str, ...]], Any] = {}


def labelled(metric: Any, *labels: str) -> Any:
    """``metric.labels(*labels)``, kept: for label values from a small fixed set."""
    key = (id(metric), labels)
    child = _labelled.get(key)
    if child is None:
        child = metric.labels(*labels)
        if len(_labelled) < 1024:
            _labelled[key] = child
    return child


def count_decision(event: DecisionEvent) -> None:
    _child("outcome", DECISION_EVENTS, event.kind, event.outcome).inc()
    for reason in event.reasons:
        _child("reason", DECISION_REASONS, event.kind, reason).inc()
    if event.model is not None and event.kind == "submit":
        _child("model", MODEL_DECISIONS, "", event.model).inc()


def observe_inference(model: str, seconds: float) -> None:
    labelled(INFERENCE_SECONDS, _bounded("model", model)).observe(seconds)


def observe_redis(operation: str, seconds: float, *, ok: bool) -> None:
    labelled(REDIS_SECONDS, operation).observe(seconds)
    if not ok:
        labelled(REDIS_ERRORS, operation).inc()


def observe_store_batch(commands: int, seconds: float, ok: bool) -> None:
    """``RedisStore(on_batch=...)``: one auto-pipelined round trip of the store."""
    labelled(REDIS_SECONDS, "store").observe(seconds)
    REDIS_BATCH_COMMANDS.observe(commands)
    if not ok:
        labelled(REDIS_ERRORS, "store").inc()


def set_breaker_state(state: Literal["closed", "half_open", "open"]) -> None:
    """For the store's circuit breaker to report its state."""
    BREAKER_STATE.set(_BREAKER_VALUES[state])


def worker_exit() -> None:
    """At a worker's shutdown in multiprocess mode: drop its live gauges."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def _registry() -> CollectorRegistry:
    if not os.environ.get(MULTIPROC_ENV):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)


def observe_loop_lag(seconds: float) -> None:
    EVENT_LOOP_LAG.observe(seconds)
