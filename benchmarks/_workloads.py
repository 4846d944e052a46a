"""Scenarios, and the timed workloads for everything that runs on an asyncio event loop.

This module imports neither ``aiochannel`` nor anyio nor trio: the worker that measures another
aiochannel package (``benchmarks._worker``: aiochannel 1.4.1, or a baseline revision of ours)
imports it with that package first on its path, and the channel-shaped workloads here serve every
aiochannel version and the floor (``benchmarks._floor``). The anyio and trio workloads are in
``benchmarks._peers``.

Every transfer workload moves ``n`` integers and returns the nanoseconds the transfer took,
measured inside the running loop from just before the first task starts to just after the last one
ends. Each consumer counts what it received and the workload raises ``RuntimeError`` unless every
item arrived, so a broken peer cannot report a flattering figure.

The cancellation workload (``cancel_workload``) instead makes ``n`` tasks wait in ``get()`` on an
empty channel and cancels them all; it returns the nanoseconds from the first ``cancel()`` to the
end of the last task, and raises unless every task ended cancelled with nothing received.
"""

from __future__ import annotations

import asyncio
import gc
import random
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from time import perf_counter_ns
from typing import Literal, Protocol

__all__ = [
    "LOOPS",
    "SCENARIOS",
    "CancelEnds",
    "Ends",
    "LoopName",
    "MakeEnds",
    "Receiver",
    "Scenario",
    "Sender",
    "bare_workload",
    "cancel_workload",
    "channel_workload",
    "check",
    "new_loop",
    "queue_workload",
    "run_on_loop",
    "scenario_by_key",
    "timed",
]

LoopName = Literal["asyncio", "uvloop"]
LOOPS: tuple[LoopName, ...] = ("asyncio", "uvloop")
#: The floor variant a scenario uses (``benchmarks._floor``).
FloorKind = Literal["spsc", "mpmc"]
#: In which order a cancellation scenario cancels its waiters ("" for a transfer scenario).
CancelOrder = Literal["", "random", "oldest"]
#: The seed of the random cancellation order: every implementation cancels in the same order.
CANCEL_SEED = 20240514


@dataclass(frozen=True)
class Scenario:
    """One benchmark scenario; ``items`` is the item count of a full ``make bench`` run.

    For a cancellation scenario (``cancel`` set), an item is one waiting getter, cancelled.
    """

    key: str
    title: str
    short: str  # for the chart
    maxsize: int  # 0 means unbounded
    producers: int
    consumers: int
    burst: int  # > 0: bursts of this many put_nowait, then as many get_nowait, in one task
    items: int
    floor: FloorKind
    cancel: CancelOrder = ""
    #: At most this many repetitions (0: as many as the run has); for the scenarios whose
    #: quadratic peers take seconds per run.
    max_repetitions: int = 0

    @property
    def unit(self) -> int:
        """``n`` must be a multiple of this, so that the work splits evenly."""
        if self.cancel:
            return 1
        if self.burst:
            return self.burst
        p, c = self.producers, self.consumers
        return p * c // _gcd(p, c)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        key="spsc_unbounded",
        title="1 producer -> 1 consumer, unbounded",
        short="1→1\nunbounded",
        maxsize=0,
        producers=1,
        consumers=1,
        burst=0,
        items=50_000,
        floor="spsc",
    ),
    Scenario(
        key="spsc_bounded_100",
        title="1 producer -> 1 consumer, maxsize 100",
        short="1→1\nmaxsize 100",
        maxsize=100,
        producers=1,
        consumers=1,
        burst=0,
        items=50_000,
        floor="spsc",
    ),
    Scenario(
        key="ping_pong",
        title="1 producer -> 1 consumer, maxsize 1 (ping-pong)",
        short="1→1 maxsize 1\n(ping-pong)",
        maxsize=1,
        producers=1,
        consumers=1,
        burst=0,
        items=16_000,
        floor="spsc",
    ),
    Scenario(
        key="mpmc_4x4",
        title="4 producers x 4 consumers, maxsize 64",
        short="4 x 4\nmaxsize 64",
        maxsize=64,
        producers=4,
        consumers=4,
        burst=0,
        items=48_000,
        floor="mpmc",
    ),
    Scenario(
        key="burst_nowait",
        title="bursts of 1000 put_nowait, then 1000 get_nowait",
        short="burst of 1000 put_nowait\nthen 1000 get_nowait",
        maxsize=0,
        producers=1,
        consumers=1,
        burst=1000,
        items=200_000,
        floor="spsc",
    ),
    Scenario(
        key="cancel_random",
        title="20,000 waiting getters cancelled, random order (ns per cancelled waiter)",
        short="cancel waiting getters\nrandom order",
        maxsize=0,
        producers=0,
        consumers=0,
        burst=0,
        items=20_000,
        floor="mpmc",
        cancel="random",
        max_repetitions=6,
    ),
    Scenario(
        key="cancel_oldest",
        title="20,000 waiting getters cancelled, oldest first (ns per cancelled waiter)",
        short="cancel waiting getters\noldest first",
        maxsize=0,
        producers=0,
        consumers=0,
        burst=0,
        items=20_000,
        floor="mpmc",
        cancel="oldest",
        max_repetitions=6,
    ),
)


def scenario_by_key(key: str) -> Scenario:
    for scenario in SCENARIOS:
        if scenario.key == key:
            return scenario
    raise KeyError(key)


def check(ok: bool, what: str) -> None:
    """Refuse to report a timing for a run that did not move every item."""
    if not ok:
        raise RuntimeError(f"benchmark workload went wrong: {what}")


# -- running on a loop ------------------------------------------------------------------------


def new_loop(loop: LoopName) -> asyncio.AbstractEventLoop:
    if loop == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def timed(run: Callable[[], int]) -> int:
    """``run()`` with the garbage collector collected before and disabled during it (as timeit)."""
    gc.collect()
    gc.disable()
    try:
        return run()
    finally:
        gc.enable()


def run_on_loop(loop: LoopName, main: Callable[[], Awaitable[int]]) -> int:
    """Run ``main()`` to completion on a fresh loop of kind ``loop``; return its result."""

    def run() -> int:
        event_loop = new_loop(loop)
        try:
            return event_loop.run_until_complete(main())
        finally:
            event_loop.close()

    return timed(run)


# -- channels shaped like aiochannel (both versions) --------------------------------------------


class Sender(Protocol):
    async def put(self, item: int, /) -> None: ...

    def put_nowait(self, item: int, /) -> None: ...


class Receiver(Protocol):
    async def get(self) -> int: ...

    def get_nowait(self) -> int: ...

    def __aiter__(self) -> AsyncIterator[int]: ...


class PutNowait(Protocol):
    def put_nowait(self, item: int, /) -> None: ...


class GetNowait(Protocol):
    def get_nowait(self) -> int: ...


def burst_nowait(tx: PutNowait, rx: GetNowait, burst: int, n: int) -> int:
    """Nanoseconds for ``n`` items in bursts of ``burst`` ``put_nowait`` then as many
    ``get_nowait``, on anything that spells them so (our channel, 1.4.1, asyncio.Queue, the floors).
    """
    last = -1
    start = perf_counter_ns()
    for _ in range(n // burst):
        for i in range(burst):
            tx.put_nowait(i)
        for _ in range(burst):
            last = rx.get_nowait()
    elapsed = perf_counter_ns() - start
    check(last == burst - 1, f"last item {last}")
    return elapsed


#: The send end, the receive end and the close function of a new channel.
Ends = tuple[Sender, Receiver, Callable[[], None]]
#: Makes a channel of the given maxsize; called inside the running loop.
MakeEnds = Callable[[int], Ends]


async def _produce(tx: Sender, start: int, count: int) -> None:
    for i in range(start, start + count):
        await tx.put(i)


async def _consume(rx: Receiver, counts: list[int]) -> None:
    count = 0
    async for _ in rx:
        count += 1
    counts.append(count)


async def channel_workload(make: MakeEnds, scenario: Scenario, n: int) -> int:
    """``n`` items through a channel made by ``make``; consumers use ``async for``.

    For a cancellation scenario: ``cancel_workload`` on an unbounded channel made by ``make``.
    """
    if scenario.cancel:

        def ends() -> tuple[PutNowait, Getter]:
            tx, rx, _ = make(0)
            return tx, rx

        return await cancel_workload(ends, scenario, n)
    if scenario.burst:
        tx, rx, close = make(0)
        elapsed = burst_nowait(tx, rx, scenario.burst, n)
        close()
        return elapsed
    tx, rx, close = make(scenario.maxsize)
    per_producer = n // scenario.producers
    counts: list[int] = []
    start = perf_counter_ns()
    consumers = [asyncio.ensure_future(_consume(rx, counts)) for _ in range(scenario.consumers)]
    await asyncio.gather(
        *(_produce(tx, k * per_producer, per_producer) for k in range(scenario.producers))
    )
    close()
    await asyncio.gather(*consumers)
    elapsed = perf_counter_ns() - start
    check(sum(counts) == n, f"received {sum(counts)} of {n} items")
    return elapsed


# -- asyncio.Queue ------------------------------------------------------------------------------


async def _queue_produce(q: asyncio.Queue[int | None], start: int, count: int) -> None:
    for i in range(start, start + count):
        await q.put(i)


async def _queue_consume(q: asyncio.Queue[int | None], counts: list[int]) -> None:
    count = 0
    while await q.get() is not None:
        count += 1
    counts.append(count)


async def queue_workload(scenario: Scenario, n: int) -> int:
    """``n`` items through an ``asyncio.Queue``; each consumer stops at a ``None`` sentinel.

    For a cancellation scenario: ``cancel_workload`` on an unbounded queue.
    """
    if scenario.cancel:
        return await cancel_workload(_queue_ends, scenario, n)
    if scenario.burst:
        q: asyncio.Queue[int] = asyncio.Queue()
        return burst_nowait(q, q, scenario.burst, n)
    queue: asyncio.Queue[int | None] = asyncio.Queue(scenario.maxsize)
    per_producer = n // scenario.producers
    counts: list[int] = []
    start = perf_counter_ns()
    consumers = [
        asyncio.ensure_future(_queue_consume(queue, counts)) for _ in range(scenario.consumers)
    ]
    await asyncio.gather(
        *(_queue_produce(queue, k * per_producer, per_producer) for k in range(scenario.producers))
    )
    for _ in range(scenario.consumers):
        await queue.put(None)
    await asyncio.gather(*consumers)
    elapsed = perf_counter_ns() - start
    check(sum(counts) == n, f"received {sum(counts)} of {n} items")
    return elapsed


# -- the bare deque -----------------------------------------------------------------------------


class _Bare:
    """A deque behind the cheapest possible channel API: no waiting, no bookkeeping."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: deque[int] = deque()

    async def put(self, item: int) -> None:
        self.items.append(item)

    async def get(self) -> int:
        return self.items.popleft()

    def put_nowait(self, item: int) -> None:
        self.items.append(item)

    def get_nowait(self) -> int:
        return self.items.popleft()


async def _bare_produce(bare: _Bare, start: int, count: int) -> None:
    for i in range(start, start + count):
        await bare.put(i)


async def _bare_consume(bare: _Bare, count: int, counts: list[int]) -> None:
    received = 0
    for _ in range(count):
        await bare.get()
        received += 1
    counts.append(received)


async def bare_workload(scenario: Scenario, n: int) -> int:
    """The bare deque: one awaited no-op coroutine per put and per get on a deque (for the burst, a
    plain function call per put_nowait and per get_nowait). Producers run before consumers: a lower
    bound, not a channel (it cannot wait, so it has no cancellation scenario).
    """
    bare = _Bare()
    if scenario.burst:
        return burst_nowait(bare, bare, scenario.burst, n)
    per_producer = n // scenario.producers
    per_consumer = n // scenario.consumers
    counts: list[int] = []
    start = perf_counter_ns()
    # gather starts the tasks in order, and a producer never yields: the deque is full before
    # the first consumer runs.
    await asyncio.gather(
        *(_bare_produce(bare, k * per_producer, per_producer) for k in range(scenario.producers)),
        *(_bare_consume(bare, per_consumer, counts) for _ in range(scenario.consumers)),
    )
    elapsed = perf_counter_ns() - start
    check(sum(counts) == n, f"received {sum(counts)} of {n} items")
    return elapsed


# -- cancelling waiters -------------------------------------------------------------------------


class Getter(Protocol):
    async def get(self) -> int: ...

    def get_nowait(self) -> int: ...


#: The send end and the receive end of a new unbounded channel (or queue), for the cancellation
#: workload; called inside the running loop.
CancelEnds = Callable[[], tuple[PutNowait, Getter]]


async def cancel_workload(make: CancelEnds, scenario: Scenario, n: int) -> int:
    """Nanoseconds to cancel ``n`` tasks waiting in ``get()`` on an empty channel made by ``make``,
    in ``scenario.cancel`` order: from the first ``cancel()`` to the end of the last task.

    The tasks are started and the ``gather`` of them made before the clock starts. Afterwards
    every task must have ended cancelled, and an item put must come straight back out (no
    cancelled getter took it).
    """
    check(scenario.cancel != "", f"{scenario.key} is not a cancellation scenario")
    tx, rx = make()
    tasks = [asyncio.ensure_future(rx.get()) for _ in range(n)]
    await asyncio.sleep(0)  # every task runs up to its wait, in order, before this resumes
    check(not any(task.done() for task in tasks), "a getter did not wait")
    order = list(tasks)
    if scenario.cancel == "random":
        random.Random(CANCEL_SEED).shuffle(order)
    finished = asyncio.gather(*tasks, return_exceptions=True)
    start = perf_counter_ns()
    for task in order:
        task.cancel()
    outcomes = await finished
    elapsed = perf_counter_ns() - start
    cancelled = sum(isinstance(outcome, asyncio.CancelledError) for outcome in outcomes)
    check(cancelled == n, f"{cancelled} of {n} getters ended cancelled")
    tx.put_nowait(n)
    check(rx.get_nowait() == n, "the item put after the cancellations did not come back")
    return elapsed


def _queue_ends() -> tuple[PutNowait, Getter]:
    queue: asyncio.Queue[int] = asyncio.Queue()
    return queue, queue
