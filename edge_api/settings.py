"""Service settings: read once from ``PALISADE_*`` environment variables and validated.

| variable | default | meaning |
| --- | --- | --- |
| ``PALISADE_ENV`` | ``dev`` | ``dev`` or ``production`` |
| ``PALISADE_REDIS_URL`` | unset | unset: embedded in-memory store (one process); set: Redis |
| ``PALISADE_ADMIN_TOKEN`` | dev: generated | bearer token of the admin API |
| ``PALISADE_SIGNING_KEYS`` | dev: generated | ``kid:base64key[,kid:base64key...]``, first signs |
| ``PALISADE_DATA_DIR`` | ``.palisade`` | where dev mode keeps generated keys |
| ``PALISADE_TRUSTED_PROXIES`` | empty | CIDRs whose forwarding headers are believed |
| ``PALISADE_SITE_CACHE_SECONDS`` | ``5`` | how long a worker caches a site record |
| ``PALISADE_CHALLENGE_SECONDS`` | ``120`` | lifetime of a PoW challenge |
| ``PALISADE_MODEL_PATH`` | shipped model | ONNX model of the scorer |
| ``PALISADE_SHADOW_MODEL_PATH`` | unset | a shadow model, scored and counted, never used |
| ``PALISADE_LOG_LEVEL`` | ``info`` | log level |
| ``PALISADE_LIMITS`` | see ``DEFAULT_LIMITS`` | ``name=rate/burst,...`` GCRA limits |
| ``PALISADE_REPUTATION_HALF_LIFE`` | ``3600`` | seconds for a bad reputation to halve |
| ``PALISADE_SIGNALS_REPLAY_SECONDS`` | ``3600`` | memory of submitted behaviour (0: off) |
| ``PALISADE_RECORD_PEOPLE`` | unset | dev only: a JSONL file the demo page's signals go to |
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from edge_api._exceptions import ConfigError
from edge_api._secret import Secret

__all__ = [
    "DEFAULT_CHALLENGE_SECONDS",
    "DEFAULT_DATA_DIR",
    "DEFAULT_LIMITS",
    "DEFAULT_SIGNALS_REPLAY_SECONDS",
    "DEFAULT_SITE_CACHE_SECONDS",
    "Settings",
]

DEFAULT_DATA_DIR = Path(".palisade")
DEFAULT_SITE_CACHE_SECONDS = 5.0
DEFAULT_CHALLENGE_SECONDS = 120
DEFAULT_REPUTATION_HALF_LIFE = 3600.0
DEFAULT_SIGNALS_REPLAY_SECONDS = 3600.0
# (requests per second sustained, burst) per limit. A person solves a challenge a
# minute at most; a busy office behind one NAT shares the subnet limit.
DEFAULT_LIMITS: dict[str, tuple[float, int]] = {
    "ip": (2.0, 30),
    "subnet": (10.0, 120),
    "site": (2000.0, 4000),
    "site_ip": (1.0, 20),
    "secret": (500.0, 1000),
}
_LOG_LEVELS = ("debug", "info", "warning", "error")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, kw_only=True)
class Settings:
    env: Literal["dev", "production"] = "dev"
    redis_url: Secret | None = None
    admin_token: Secret | None = None
    signing_keys: Secret | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    trusted_proxies: tuple[IPNetwork, ...] = ()
    site_cache_seconds: float = DEFAULT_SITE_CACHE_SECONDS
    challenge_seconds: int = DEFAULT_CHALLENGE_SECONDS
    model_path: Path | None = None
    shadow_model_path: Path | None = None
    log_level: str = "info"
    limits: Mapping[str, tuple[float, int]] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    reputation_half_life: float = DEFAULT_REPUTATION_HALF_LIFE
    signals_replay_seconds: float = DEFAULT_SIGNALS_REPLAY_SECONDS
    record_people: Path | None = None

    @property
    def dev(self) -> bool:
        return self.env == "dev"

    @property
    def embedded_store(self) -> bool:
        return self.redis_url is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate ``PALISADE_*`` variables; raises :class:`ConfigError`."""
        env_vars = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env_vars.get(f"PALISADE_{name}")
            return value.strip() if value is not None and value.strip() else None

        env = get("ENV") or "dev"
        if env not in ("dev", "production"):
            raise ConfigError(f"PALISADE_ENV must be 'dev' or 'production', got {env!r}")
        log_level = (get("LOG_LEVEL") or "info").lower()
        if log_level not in _LOG_LEVELS:
            raise ConfigError(f"PALISADE_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}")
        redis_url = get("REDIS_URL")
        if redis_url is not None and not redis_url.startswith(
            ("redis://", "rediss://", "unix://", "redis+cluster://", "rediss+cluster://")
        ):
            raise ConfigError(
                "PALISADE_REDIS_URL must start with redis://, rediss://, unix://,"
                " redis+cluster:// or rediss+cluster://"
            )
        settings = cls(
            env=env,  # type: ignore[arg-type]  # checked above
            redis_url=Secret(redis_url) if redis_url else None,
            admin_token=_secret(get("ADMIN_TOKEN")),
            signing_keys=_secret(get("SIGNING_KEYS")),
            data_dir=Path(get("DATA_DIR") or DEFAULT_DATA_DIR),
            trusted_proxies=_parse_networks(get("TRUSTED_PROXIES")),
            site_cache_seconds=_number(
                "SITE_CACHE_SECONDS", get("SITE_CACHE_SECONDS"), DEFAULT_SITE_CACHE_SECONDS, 0, 300
            ),
            challenge_seconds=int(
                _number(
                    "CHALLENGE_SECONDS",
                    get("CHALLENGE_SECONDS"),
                    DEFAULT_CHALLENGE_SECONDS,
                    10,
                    3600,
                )
            ),
            model_path=_path(get("MODEL_PATH")),
            shadow_model_path=_path(get("SHADOW_MODEL_PATH")),
            log_level=log_level,
            limits=_parse_limits(get("LIMITS")),
            reputation_half_life=_number(
                "REPUTATION_HALF_LIFE",
                get("REPUTATION_HALF_LIFE"),
                DEFAULT_REPUTATION_HALF_LIFE,
                1,
                30 * 86400,
            ),
            signals_replay_seconds=_number(
                "SIGNALS_REPLAY_SECONDS",
                get("SIGNALS_REPLAY_SECONDS"),
                DEFAULT_SIGNALS_REPLAY_SECONDS,
                0,
                7 * 86400,
            ),
            record_people=_path(get("RECORD_PEOPLE")),
        )
        if settings.env == "production":
            if settings.record_people is not None:
                # The demo page it records exists in dev mode only.
                raise ConfigError(
                    "PALISADE_RECORD_PEOPLE records the demo page, which is dev mode's only:"
                    " it needs PALISADE_ENV=dev"
                )
            missing = [
                name
                for name, value in (
                    ("PALISADE_SIGNING_KEYS", settings.signing_keys),
                    ("PALISADE_ADMIN_TOKEN", settings.admin_token),
                )
                if value is None
            ]
            if missing:
                raise ConfigError(
                    f"production mode refuses to start without {' and '.join(missing)} "
                    "(dev mode generates them; see docs/configuration.md)"
                )
        return settings


def _secret(value: str | None) -> Secret | None:
    return Secret(value) if value else None


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _number(name: str, raw: str | None, default: float, low: float, high: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"PALISADE_{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"PALISADE_{name} must be between {low:g} and {high:g}, got {raw}")
    return value


def _parse_limits(raw: str | None) -> dict[str, tuple[float, int]]:
    limits = dict(DEFAULT_LIMITS)
    if raw is None:
        return limits
    for part in raw.split(","):
        name, sep, spec = part.strip().partition("=")
        rate, slash, burst = spec.partition("/")
        if name not in DEFAULT_LIMITS or not sep or not slash:
            raise ConfigError(
                f"PALISADE_LIMITS: {part.strip()!r} is not name=rate/burst with a name in "
                f"{', '.join(DEFAULT_LIMITS)}"
            )
        try:
            limits[name] = (float(rate), int(burst))
        except ValueError:
            raise ConfigError(f"PALISADE_LIMITS: {part.strip()!r} has a bad number") from None
        if limits[name][0] <= 0 or limits[name][1] < 1:
            raise ConfigError(f"PALISADE_LIMITS: {name} needs rate > 0 and burst >= 1")
    return limits


def _parse_networks(raw: str | None) -> tuple[IPNetwork, ...]:
    if raw is None:
        return ()
    networks = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(f"PALISADE_TRUSTED_PROXIES: {part!r} is not a CIDR") from None
    return tuple(networks)
