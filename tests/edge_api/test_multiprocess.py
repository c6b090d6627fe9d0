"""Several ``palisade serve`` processes sharing one real Redis Cluster, as deployed.

Three separate processes (production mode: the same signing keys and admin token from
the environment, each its own empty data directory, no shared memory) on three ports,
in front of the three-master cluster of ``redis_cluster_url``. Everything goes through
real HTTP with the widget's protocol: challenge, proof of work solved with
``edge_api.pow.solve``, submit with recorded human pointer signals, siteverify with
the site's secret. The client address of each simulated visitor comes from
``X-Forwarded-For`` (the test is the trusted proxy), as behind a load balancer.

What it shows: a token issued by one process verifies once at any other; the limits
are one budget across the processes, not one per process; and a process killed with
SIGKILL in the middle of a load loses no accepted verification and lets no verified
token verify again.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from edge_api.keys import KeyRing
from edge_api.sites import SiteCreate, SiteRegistry
from edge_api.store import MemoryStore
from loadtests.payloads import BROWSER_UA, HUMANS, as_visitor, human_signals
from tests.conftest import FakeClock, wait_healthy
from tests.edge_api.fleet import (
    ALREADY_SEEN,
    DUPLICATE,
    HCAPTCHA,
    HOSTNAME,
    IP_BURST,
    IP_RATE,
    LIMITS,
    POW_MAX,
    POW_MIN,
    RECAPTCHA,
    TURNSTILE,
    Answer,
    Fleet,
    Node,
    Site,
    Unreachable,
    challenge,
    issue_token,
    next_ip,
    siteverify,
    solved,
    submit,
    visitor_number,
)


@pytest.fixture(scope="module")
def fleet(redis_cluster_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    admin_token = secrets.token_urlsafe(24)
    env = {
        "PALISADE_ENV": "production",
        "PALISADE_SIGNING_KEYS": KeyRing.generate_spec("mp1"),
        "PALISADE_ADMIN_TOKEN": admin_token,
        "PALISADE_REDIS_URL": redis_cluster_url,
        "PALISADE_TRUSTED_PROXIES": "127.0.0.1/32",
        "PALISADE_LIMITS": LIMITS,
        "PALISADE_LOG_LEVEL": "warning",
    }
    fleet = Fleet(env, admin_token, tmp_path_factory.mktemp("multiprocess"))
    try:
        fleet.nodes = [fleet.launch() for _ in range(3)]  # start together, then wait
        for node in fleet.nodes:
            wait_healthy(node.url, node.process, node.log)
        yield fleet
    finally:
        fleet.stop()
    for node in fleet.launched:  # the killed one too, up to its end
        log = node.log.read_text()
        assert "Traceback" not in log, f"{node.name}:\n{log}"


@pytest.fixture(scope="module")
def human() -> list[dict[str, object]]:
    """Signal payloads made from recorded human pointer paths (as the load tests send)."""
    if not HUMANS.is_dir():  # what is under test does not depend on the score
        return [{"v": 1, "env": {"webdriver": False, "user_agent": BROWSER_UA}}]
    return human_signals(4, users=("user21",))


def test_token_issued_by_one_process_verifies_once_at_another(
    fleet: Fleet, human: list[dict[str, object]]
) -> None:
    a, b, c = fleet.nodes
    site = fleet.create_site(a)
    # The registry lives in the cluster: the site created at A is known at B and C,
    # which take the same admin token.
    for node in (b, c):
        record = node.call("GET", f"/admin/v1/sites/{site.sitekey}", headers=fleet.admin_headers())
        assert record.status == 200, record
        assert record.body["hostnames"] == [HOSTNAME]

    ip = next_ip()
    issued = challenge(c, site, ip)  # C signs the challenge
    assert issued.status == 200, issued
    assert issued.body["difficulty"] == POW_MIN  # a clean visitor gets the site's minimum
    work = solved(issued)
    passed = submit(a, work, ip, human[0], action="login", cdata="order-42")  # A checks it
    assert passed.status == 200, passed
    assert passed.body["status"] == "pass"
    token = passed.body["token"]
    # The solved challenge is single use across processes too.
    replay = submit(b, work, ip, human[0])
    assert replay.status == 403, replay
    assert replay.body["reasons"] == ["already_used"]

    first = siteverify(b, HCAPTCHA, site, token)  # B verifies A's token
    assert first["success"] is True, first
    assert first["hostname"] == HOSTNAME
    assert (first["action"], first["cdata"]) == ("login", "order-42")
    assert "degraded" not in first
    assert siteverify(c, TURNSTILE, site, token) == DUPLICATE
    assert siteverify(a, HCAPTCHA, site, token) == ALREADY_SEEN
    assert siteverify(b, RECAPTCHA, site, token) == DUPLICATE


# --- a secret rotated through one process works at once at the others -----------


def test_rotated_secret_works_at_once_at_every_process(
    fleet: Fleet, human: list[dict[str, object]]
) -> None:
    a, b, c = fleet.nodes
    site = fleet.create_site(a)
    # B and C have verified for this site, so both hold its record in their cache.
    for node in (b, c):
        assert siteverify(node, TURNSTILE, site, issue_token(a, site, human[1]))["success"]
    rotated = a.call(
        "POST", f"/admin/v1/sites/{site.sitekey}/rotate-secret", headers=fleet.admin_headers()
    )
    assert rotated.status == 200, rotated
    new = Site(site.sitekey, rotated.body["secret"])
    # The backend switches to the new secret at once: every process must take it (the
    # old one may linger on other processes for PALISADE_SITE_CACHE_SECONDS).
    for node in (a, b, c):
        answer = siteverify(node, TURNSTILE, new, issue_token(node, new, human[1]))
        assert answer["success"] is True, (node.name, answer)
    old = siteverify(a, TURNSTILE, site, issue_token(a, new, human[1]))
    assert old == {"success": False, "error-codes": ["invalid-input-secret"]}


def test_a_workers_cache_takes_a_secret_rotated_by_another(clock: FakeClock) -> None:
    """The same in process, on the fake clock: two workers' registries over one store."""
    store = MemoryStore(clock=clock)
    one, other = (SiteRegistry(store, cache_seconds=5, clock=clock) for _ in range(2))

    async def scenario() -> None:
        site, secret = await one.create(SiteCreate(hostnames=[HOSTNAME]))
        assert await other.by_secret(secret) == site  # now cached by the other worker
        rotated, new_secret = await one.rotate_secret(site.sitekey)
        clock.advance(1)  # well inside the other worker's cache window
        assert await other.by_secret(new_secret) == rotated
        assert await one.by_secret(secret) is None
        assert await other.by_secret("sk_" + "x" * 43) is None
        clock.advance(5)  # past it: the old secret is gone everywhere
        assert await other.by_secret(secret) is None

    asyncio.run(scenario())


# --- limits hold across processes ---------------------------------------------------


def round_robin(
    nodes: list[Node], count: int, request: Callable[[Node, int], Answer]
) -> tuple[list[tuple[Node, Answer]], float]:
    """``count`` requests spread over the nodes in turn, six at a time; and the
    wall-clock seconds they took, first sent to last answered."""

    def one(index: int) -> tuple[Node, Answer]:
        node = nodes[index % len(nodes)]
        return node, request(node, index)

    started = time.monotonic()
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(one, range(count)))
    return answers, time.monotonic() - started


def check_limit(
    answers: list[tuple[Node, Answer]], elapsed: float, name: str, rate: float, burst: int
) -> None:
    admitted = [answer for _, answer in answers if answer.status == 200]
    refused = [(node, answer) for node, answer in answers if answer.status != 200]
    # GCRA admits at most burst + rate x (time from the first request to the last):
    # one budget for the three processes. Three private budgets would admit 3 x burst.
    assert burst <= len(admitted) <= burst + rate * elapsed, (len(admitted), elapsed)
    for node, answer in refused:
        assert answer.status == 429, (node.name, answer)
        assert answer.body["error"] == "rate_limited"
        assert answer.body["limit"] == name
        assert int(answer.headers["retry-after"]) >= 1
    # Every process refused: none kept a budget of its own.
    assert {node.name for node, _ in refused} == {node.name for node, _ in answers}


def test_per_ip_limit_is_one_budget_across_processes(fleet: Fleet) -> None:
    site = fleet.create_site(fleet.nodes[0])
    ip = "203.0.113.9"  # one client, hammering every process
    answers, elapsed = round_robin(
        fleet.nodes, 10 * IP_BURST, lambda node, _: challenge(node, site, ip)
    )
    check_limit(answers, elapsed, "ip", IP_RATE, IP_BURST)
    # The submit of a challenge admitted by one process counts against the same budget
    # at another.
    work = solved(next(answer for _, answer in answers if answer.status == 200))
    over = submit(fleet.nodes[1], work, ip, {"v": 1})
    assert over.status == 429, over
    assert over.body["limit"] == "ip"


def test_site_limit_is_one_budget_across_processes(fleet: Fleet) -> None:
    rate, burst = 0.01, 6
    site = fleet.create_site(fleet.nodes[2], rate_limit=rate, rate_burst=burst)
    # Many visitors, each within its own limits: only the site-wide limit can bite.
    answers, elapsed = round_robin(
        fleet.nodes, 8 * burst, lambda node, _: challenge(node, site, next_ip())
    )
    check_limit(answers, elapsed, "site", rate, burst)


# --- a process killed mid-load loses no accepted verification ----------------------


@dataclass
class Flow:
    """One visitor: challenge at one process, submit at the next, siteverify at the third."""

    index: int
    ip: str = field(default_factory=next_ip)
    token: str | None = None
    issued_by: str | None = None
    issued_after_kill: bool = False
    verified_by: str | None = None  # the process whose siteverify answered success
    verify_key: str = ""


@dataclass
class Load:
    """Visitors on six threads until ``stop``; what happened, for the test to judge."""

    site: Site
    signals: list[dict[str, object]]
    flows: list[Flow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unreachable: list[tuple[str, float, str]] = field(default_factory=list)
    killed_at: float | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    progress: threading.Condition = field(default_factory=threading.Condition)
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def worker(self, nodes: list[Node]) -> None:
        while not self.stop.is_set():
            flow = Flow(next(self._counter))
            try:
                self.run(flow, nodes)
            except Exception as exc:  # reported by the test, not lost in a thread
                self.problem(flow, f"{exc!r}")
            with self.progress:
                self.flows.append(flow)
                self.progress.notify_all()

    def problem(self, flow: Flow, what: str) -> None:
        with self.progress:
            self.problems.append(f"flow {flow.index}: {what}")

    def lost(self, node: Node, exc: Unreachable) -> None:
        with self.progress:
            self.unreachable.append((node.name, time.monotonic(), str(exc)))

    def run(self, flow: Flow, nodes: list[Node]) -> None:
        i = flow.index
        first, second, third = nodes[i % 3], nodes[(i + 1) % 3], nodes[(i + 2) % 3]
        try:
            issued = challenge(first, self.site, flow.ip)
        except Unreachable as exc:
            self.lost(first, exc)
            return
        if issued.status != 200 or not POW_MIN <= issued.body["difficulty"] <= POW_MAX:
            self.problem(flow, f"challenge at {first.name}: {issued}")
            return
        work = solved(issued)
        try:
            signals = as_visitor(self.signals[i % len(self.signals)], visitor_number(flow.ip))
            passed = submit(second, work, flow.ip, signals, cdata=str(i))
        except Unreachable as exc:
            # The answer never reached the visitor: no token was handed out.
            self.lost(second, exc)
            return
        if passed.status != 200 or passed.body["status"] != "pass":
            self.problem(flow, f"submit at {second.name}: {passed}")
            return
        flow.token, flow.issued_by = passed.body["token"], second.name
        flow.issued_after_kill = self.killed_at is not None
        if i % 2:
            return  # half the tokens are verified after the load
        # The customer's backend retries a verification that got no answer at another
        # process, with the same Turnstile idempotency key: it must succeed there.
        flow.verify_key = f"flow-{i}-{secrets.token_hex(4)}"
        for node in (third, first, second):
            try:
                answer = siteverify(node, TURNSTILE, self.site, flow.token, flow.verify_key)
            except Unreachable as exc:
                self.lost(node, exc)
                continue
            if answer["success"] is not True or answer.get("degraded"):
                self.problem(flow, f"siteverify at {node.name}: {answer}")
            elif answer["cdata"] != str(i):
                self.problem(flow, f"siteverify at {node.name} answered for another token")
            else:
                flow.verified_by = node.name
            return
        self.problem(flow, "no process answered siteverify")

    def count(self, test: Callable[[Flow], bool]) -> int:
        return sum(1 for flow in self.flows if test(flow))


def test_process_killed_mid_load_loses_no_accepted_verification(
    fleet: Fleet, human: list[dict[str, object]]
) -> None:
    site = fleet.create_site(fleet.nodes[0])
    nodes = list(fleet.nodes)
    victim = nodes[1]
    survivors = [node for node in nodes if node is not victim]
    load = Load(site, human)
    threads = [threading.Thread(target=load.worker, args=(nodes,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    try:
        with load.progress:
            # Kill once the victim has handed out tokens still to be verified and has
            # itself verified others, with every worker busy.
            ready = load.progress.wait_for(
                lambda: (
                    load.count(lambda f: f.issued_by == victim.name and f.index % 2 == 1) >= 4
                    and load.count(lambda f: f.verified_by == victim.name) >= 4
                ),
                timeout=60,
            )
            assert ready, load.problems
            load.killed_at = time.monotonic()
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait(timeout=10)
        with load.progress:
            before = len(load.flows)
            # The survivors carry on: more flows complete after the kill.
            going = load.progress.wait_for(
                lambda: (
                    load.count(lambda f: f.issued_after_kill and f.verified_by is not None) >= 8
                    and len(load.flows) >= before + 24
                ),
                timeout=60,
            )
            assert going, load.problems
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)
        if victim.process.poll() is not None:
            fleet.restart(nodes.index(victim))  # leave a full fleet to other tests

    assert load.problems == []
    assert load.killed_at is not None
    # Only the killed process failed to answer, and only once it had been killed.
    for name, at, what in load.unreachable:
        assert name == victim.name, what
        assert at >= load.killed_at, what

    tokens = [flow for flow in load.flows if flow.token is not None]
    verified = [flow for flow in tokens if flow.verified_by is not None]
    pending = [flow for flow in tokens if flow.index % 2]
    assert len(verified) + len(pending) == len(tokens)
    assert any(flow.issued_by == victim.name for flow in pending)
    assert any(flow.verified_by == victim.name for flow in verified)

    def after_the_load(flow: Flow) -> list[str]:
        """What is wrong with this token now, asking the survivors."""
        assert flow.token is not None
        wrong = []
        first, second = survivors[flow.index % 2], survivors[(flow.index + 1) % 2]
        if flow.verified_by is None:
            # Handed out, never verified: verifies exactly once, at a survivor.
            answer = siteverify(first, TURNSTILE, site, flow.token)
            if answer["success"] is not True or "idempotent_replay" in answer:
                wrong.append(f"{flow.issued_by}'s token {flow.index} at {first.name}: {answer}")
        # Verified (during the load or just now): never again, anywhere.
        for node, path, refused in (
            (second, TURNSTILE, DUPLICATE),
            (first, HCAPTCHA, ALREADY_SEEN),
        ):
            answer = siteverify(node, path, site, flow.token)
            if answer != refused:
                wrong.append(f"token {flow.index} again at {node.name}: {answer}")
        if flow.verify_key:  # another backend's idempotency key does not unlock it either
            answer = siteverify(second, TURNSTILE, site, flow.token, "someone-else")
            if answer != DUPLICATE:
                wrong.append(f"token {flow.index} with another key: {answer}")
        return wrong

    with ThreadPoolExecutor(6) as pool:
        wrong = [line for lines in pool.map(after_the_load, tokens) for line in lines]
    assert wrong == []

    # A process started afterwards (fresh memory) refuses them as well.
    restarted = fleet.nodes[nodes.index(victim)]
    assert restarted is not victim
    for flow in tokens[:10]:
        assert flow.token is not None
        assert siteverify(restarted, TURNSTILE, site, flow.token) == DUPLICATE
    issued_by = Counter(flow.issued_by for flow in tokens)
    assert set(issued_by) == {node.name for node in nodes}
