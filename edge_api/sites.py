"""Sites (tenants): records, hostname rules, secrets, and a short per-worker cache."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

import msgspec

from edge_api._exceptions import InvalidRequest, NotFound, StoreError
from edge_api.store import Store

__all__ = [
    "DEFAULT_POW_MAX",
    "DEFAULT_POW_MIN",
    "DEFAULT_SCORE_THRESHOLD",
    "DEFAULT_TOKEN_LIFETIME",
    "Mode",
    "Site",
    "SiteCreate",
    "SiteRegistry",
    "SiteUpdate",
    "hash_secret",
    "hostname_allowed",
    "new_secret",
    "new_sitekey",
    "normalise_hostname",
]

DEFAULT_TOKEN_LIFETIME = 300
DEFAULT_SCORE_THRESHOLD = 0.5
# Leading zero bits per sub-puzzle (16 sub-puzzles): 2^13 * 16 = 131k hashes on
# average, a few hundred ms for the widget's worker on a 2020 laptop.
DEFAULT_POW_MIN = 13
DEFAULT_POW_MAX = 20
MAX_POW_BITS = 32
T = TypeVar("T")
SITE_KEY_PREFIX = "site:"
SECRET_KEY_PREFIX = "sitesecret:"  # noqa: S105  # a key prefix, not a secret
SITES_INDEX = "sites"
_CACHE_MAX = 10_000
STALE_SECONDS = 600.0

_HOSTNAME_RE = re.compile(
    r"^(\*\.)?(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)

Mode = Literal["invisible", "managed", "checkbox"]
FailurePolicy = Literal["open", "closed"]
Hostname = Annotated[str, msgspec.Meta(min_length=1, max_length=253)]
PowBits = Annotated[int, msgspec.Meta(ge=1, le=MAX_POW_BITS)]
Threshold = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
Lifetime = Annotated[int, msgspec.Meta(ge=10, le=86_400)]
Name = Annotated[str, msgspec.Meta(max_length=200)]
Rate = Annotated[float, msgspec.Meta(gt=0.0, le=1_000_000.0)]
Burst = Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]
# Past the site's rate limit: refuse (429) or answer submits with a harder challenge.
OnRateLimit = Literal["refuse", "harder"]


class Site(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A site as stored. The secret itself is never stored, only its SHA-256."""

    sitekey: str
    secret_hash: str
    name: str = ""
    hostnames: list[str] = []
    mode: Mode = "managed"
    score_threshold: float = DEFAULT_SCORE_THRESHOLD
    pow_min: int = DEFAULT_POW_MIN
    pow_max: int = DEFAULT_POW_MAX
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    failure_policy: FailurePolicy = "open"
    # Site-wide GCRA limit (None: the service default) and what to do past it.
    rate_limit: float | None = None
    rate_burst: int | None = None
    on_rate_limit: OnRateLimit = "refuse"
    created_at: float = 0.0
    updated_at: float = 0.0

    def public(self) -> dict[str, object]:
        """The record as the admin API shows it (no secret hash)."""
        data = msgspec.to_builtins(self)
        del data["secret_hash"]
        return data  # type: ignore[no-any-return]


class SiteCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Body of ``POST /admin/v1/sites``."""

    name: Name = ""
    hostnames: Annotated[list[Hostname], msgspec.Meta(min_length=1, max_length=100)]
    mode: Mode = "managed"
    score_threshold: Threshold = DEFAULT_SCORE_THRESHOLD
    pow_min: PowBits = DEFAULT_POW_MIN
    pow_max: PowBits = DEFAULT_POW_MAX
    token_lifetime: Lifetime = DEFAULT_TOKEN_LIFETIME
    failure_policy: FailurePolicy = "open"
    rate_limit: Rate | None = None
    rate_burst: Burst | None = None
    on_rate_limit: OnRateLimit = "refuse"


class SiteUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Body of ``PATCH /admin/v1/sites/{sitekey}``: only the fields given change."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    hostnames: (
        Annotated[list[Hostname], msgspec.Meta(min_length=1, max_length=100)] | msgspec.UnsetType
    ) = msgspec.UNSET
    mode: Mode | msgspec.UnsetType = msgspec.UNSET
    score_threshold: Threshold | msgspec.UnsetType = msgspec.UNSET
    pow_min: PowBits | msgspec.UnsetType = msgspec.UNSET
    pow_max: PowBits | msgspec.UnsetType = msgspec.UNSET
    token_lifetime: Lifetime | msgspec.UnsetType = msgspec.UNSET
    failure_policy: FailurePolicy | msgspec.UnsetType = msgspec.UNSET
    rate_limit: Rate | msgspec.UnsetType | None = msgspec.UNSET
    rate_burst: Burst | msgspec.UnsetType | None = msgspec.UNSET
    on_rate_limit: OnRateLimit | msgspec.UnsetType = msgspec.UNSET


def new_secret() -> str:
    return "sk_" + secrets.token_urlsafe(32)


def new_sitekey() -> str:
    return "pk_" + secrets.token_urlsafe(16)


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a secret. Secrets are 256-bit random, so no slow hash is needed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_hostname(hostname: str) -> str:
    """Lower-case, without port or trailing dot."""
    host = hostname.strip().lower()
    if host.startswith("["):  # IPv6 literal with port
        return host.split("]")[0] + "]"
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _validate_hostnames(hostnames: list[str]) -> list[str]:
    cleaned = []
    for index, raw in enumerate(hostnames):
        host = normalise_hostname(raw)
        if not _HOSTNAME_RE.match(host) and not _is_ip_literal(host):
            raise InvalidRequest(
                f"{raw!r} is not a hostname or *.wildcard", path=f"$.hostnames[{index}]"
            )
        cleaned.append(host)
    return sorted(set(cleaned))


def _is_ip_literal(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def hostname_allowed(hostname: str, allowed: list[str]) -> bool:
    """Exact match, or ``*.example.com`` for any subdomain of example.com (not the apex)."""
    host = normalise_hostname(hostname)
    for rule in allowed:
        if rule.startswith("*."):
            if host.endswith(rule[1:]) and len(host) > len(rule) - 1:
                return True
        elif host == rule:
            return True
    return False


def _check_bounds(pow_min: int, pow_max: int) -> None:
    if pow_min > pow_max:
        raise InvalidRequest("pow_min must not exceed pow_max", path="$.pow_min")


class SiteRegistry:
    """Sites in the store, with a short bounded cache per worker."""

    def __init__(
        self,
        store: Store,
        *,
        cache_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, Site | None]] = {}
        self._secret_cache: dict[str, tuple[float, str | None]] = {}
        self._decoder = msgspec.json.Decoder(Site)
        self._encoder = msgspec.json.Encoder()

    async def get(self, sitekey: str) -> Site | None:
        """The site, from cache when fresh (misses are cached too: bursts of junk keys).

        While the store is unreachable a stale cached record is served for up to
        ``STALE_SECONDS``, so each site's failure policy can still be applied.
        """
        now = self._clock()
        hit = self._cache.get(sitekey)
        if hit is not None and hit[0] > now:
            return hit[1]
        return await self._load(sitekey, hit, now)

    async def _load(
        self, sitekey: str, hit: tuple[float, Site | None] | None, now: float
    ) -> Site | None:
        """The record from the store, cached; ``hit`` (stale) while the store is down."""
        try:
            raw = await self._store.get(SITE_KEY_PREFIX + sitekey)
        except StoreError:
            if hit is not None and hit[0] + STALE_SECONDS > now:
                return hit[1]
            raise
        site = None if raw is None else self._decoder.decode(raw)
        self._remember(self._cache, sitekey, site, now)
        return site

    async def by_secret(self, secret: str) -> Site | None:
        """The site whose secret this is, compared in constant time."""
        digest = hash_secret(secret)
        now = self._clock()
        hit = self._secret_cache.get(digest)
        if hit is not None and hit[0] > now:
            sitekey: str | None = hit[1]
        else:
            try:
                raw = await self._store.get(SECRET_KEY_PREFIX + digest)
            except StoreError:
                if hit is None or hit[0] + STALE_SECONDS <= now:
                    raise
                raw = None if hit[1] is None else hit[1].encode()
            sitekey = None if raw is None else raw.decode()
            self._remember(self._secret_cache, digest, sitekey, now)
        if sitekey is None:
            return None
        site = await self.get(sitekey)
        if site is not None and not hmac.compare_digest(site.secret_hash, digest):
            # The index names this site but the cached record holds another secret hash:
            # another worker rotated the secret since this one cached the record. Read it
            # again rather than refuse the new secret until the cache expires.
            site = await self._load(sitekey, self._cache.get(sitekey), now)
        if site is None or not hmac.compare_digest(site.secret_hash, digest):
            return None
        return site

    def _remember(self, cache: dict[str, tuple[float, T]], key: str, value: T, now: float) -> None:
        if self._cache_seconds <= 0:
            return
        if len(cache) >= _CACHE_MAX:
            cache.clear()  # bounded: a flood of random keys cannot grow memory
        cache[key] = (now + self._cache_seconds, value)

    def forget(self, sitekey: str) -> None:
        self._cache.pop(sitekey, None)
        self._secret_cache.clear()

    async def all(self) -> list[Site]:
        sites = []
        for sitekey in sorted(await self._store.index_members(SITES_INDEX)):
            raw = await self._store.get(SITE_KEY_PREFIX + sitekey)
            if raw is not None:
                sites.append(self._decoder.decode(raw))
        return sites

    async def create(
        self, spec: SiteCreate, *, sitekey: str | None = None, secret: str | None = None
    ) -> tuple[Site, str]:
        """A new site and its secret (the only time the secret is seen)."""
        _check_bounds(spec.pow_min, spec.pow_max)
        now = self._clock()
        secret = secret or new_secret()
        site = Site(
            sitekey=sitekey or new_sitekey(),
            secret_hash=hash_secret(secret),
            name=spec.name,
            hostnames=_validate_hostnames(spec.hostnames),
            mode=spec.mode,
            score_threshold=spec.score_threshold,
            pow_min=spec.pow_min,
            pow_max=spec.pow_max,
            token_lifetime=spec.token_lifetime,
            failure_policy=spec.failure_policy,
            rate_limit=spec.rate_limit,
            rate_burst=spec.rate_burst,
            on_rate_limit=spec.on_rate_limit,
            created_at=now,
            updated_at=now,
        )
        await self._save(site)
        await self._store.set(SECRET_KEY_PREFIX + site.secret_hash, site.sitekey.encode())
        await self._store.index_add(SITES_INDEX, site.sitekey)
        return site, secret

    async def require(self, sitekey: str) -> Site:
        site = await self.get(sitekey)
        if site is None:
            raise NotFound(f"no site with sitekey {sitekey!r}", code="unknown_sitekey")
        return site

    async def update(self, sitekey: str, change: SiteUpdate) -> Site:
        self.forget(sitekey)
        site = await self.require(sitekey)
        fields = {
            name: value
            for name in change.__struct_fields__
            if (value := getattr(change, name)) is not msgspec.UNSET
        }
        if "hostnames" in fields:
            fields["hostnames"] = _validate_hostnames(fields["hostnames"])
        updated = msgspec.structs.replace(site, **fields, updated_at=self._clock())
        _check_bounds(updated.pow_min, updated.pow_max)
        await self._save(updated)
        return updated

    async def rotate_secret(self, sitekey: str) -> tuple[Site, str]:
        self.forget(sitekey)
        site = await self.require(sitekey)
        secret = new_secret()
        updated = msgspec.structs.replace(
            site, secret_hash=hash_secret(secret), updated_at=self._clock()
        )
        await self._save(updated)
        await self._store.set(SECRET_KEY_PREFIX + updated.secret_hash, sitekey.encode())
        await self._store.delete(SECRET_KEY_PREFIX + site.secret_hash)
        return updated, secret

    async def delete(self, sitekey: str) -> None:
        self.forget(sitekey)
        site = await self.require(sitekey)
        await self._store.delete(SITE_KEY_PREFIX + sitekey, SECRET_KEY_PREFIX + site.secret_hash)
        await self._store.index_remove(SITES_INDEX, sitekey)
        self.forget(sitekey)

    async def _save(self, site: Site) -> None:
        await self._store.set(SITE_KEY_PREFIX + site.sitekey, self._encoder.encode(site))
        self.forget(site.sitekey)
