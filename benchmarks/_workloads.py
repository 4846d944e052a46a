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

The composition scenarios (``Scenario.compose``) measure ``select()``, ``merge()`` and
``get_many()`` (``compose_workload``, given the package's ``select`` and ``merge``) against the
usual way of doing the same without them, on the same channel or on ``asyncio.Queue``: the
``asyncio.wait(FIRST_COMPLETED)`` idiom (``select_idiom_workload``, which can lose items: it counts
them and returns an ``Outcome`` with the count instead of raising), one forwarding task per input
(``forward_workload``), a loop of ``get()`` (``get_loop_workload``).

The fan-out scenarios (issue 17; ``Scenario.compose`` in ``FANOUT``) measure ``Broadcast``,
``Watch`` and a lossy ``Channel(overflow="drop_oldest")`` (``fanout_workload``, given the
package's features as a ``FanOut``) against the same without them: a channel per subscriber
(``fan_out_workload``), a shared value and an ``asyncio.Event`` (``latest_value_workload``), a
``get_nowait()`` before each ``put_nowait()`` on a full channel (``keep_latest_workload``); and, for
the idle-subscriber promise, the same broadcast with one idle subscriber instead of 1,000
(``broadcast_idle_workload``).
"""

from __future__ import annotations

import asyncio
import gc
import random
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from time import perf_counter_ns
from typing import Literal, NamedTuple, Protocol, TypeVar

__all__ = [
    "FANOUT",
    "LOOPS",
    "SCENARIOS",
    "BroadcastEnds",
    "BroadcastOverflow",
    "CancelEnds",
    "ComposeReceiver",
    "Drained",
    "Ends",
    "FanOut",
    "KeepLatest",
    "LoopName",
    "MakeEnds",
    "MergeFn",
    "Outcome",
    "Picked",
    "Receiver",
    "Scenario",
    "SelectFn",
    "Sender",
    "WatchEnds",
    "bare_workload",
    "broadcast_idle_workload",
    "broadcast_workload",
    "cancel_workload",
    "channel_workload",
    "check",
    "compose_workload",
    "fan_out_workload",
    "fanout_workload",
    "forward_workload",
    "get_loop_workload",
    "keep_latest_workload",
    "latest_value_workload",
    "lossy_workload",
    "new_loop",
    "queue_compose_workload",
    "queue_fanout_workload",
    "queue_workload",
    "run_on_loop",
    "scenario_by_key",
    "select_idiom_workload",
    "timed",
    "watch_workload",
]

LoopName = Literal["asyncio", "uvloop"]
LOOPS: tuple[LoopName, ...] = ("asyncio", "uvloop")
#: The floor variant a scenario uses (``benchmarks._floor``).
FloorKind = Literal["spsc", "mpmc"]
#: In which order a cancellation scenario cancels its waiters ("" for a transfer scenario).
CancelOrder = Literal["", "random", "oldest"]
#: What a composition scenario measures ("" for the others).
Compose = Literal[
    "", "select", "merge", "get_many", "broadcast", "broadcast_idle", "watch", "lossy"
]
#: The composition scenarios of fan-out (issue 17): ``Broadcast``, ``Watch`` and lossy ``Channel``.
FANOUT: tuple[Compose, ...] = ("broadcast", "broadcast_idle", "watch", "lossy")
#: The seed of the random cancellation order: every implementation cancels in the same order.
CANCEL_SEED = 20240514


@dataclass(frozen=True)
class Scenario:
    """One benchmark scenario; ``items`` is the item count of a full ``make bench`` run.

    For a cancellation scenario (``cancel`` set), an item is one waiting getter, cancelled.

    A composition scenario (``compose`` set) has ``channels`` channels of ``maxsize`` each (for
    ``get_many``: one, refilled to full in bursts of ``burst`` items, taken ``batch`` at a time),
    no floor (``floor`` is None), and a row of its own for the usual way of doing the same without
    the feature (``alt_label``); ``queue_label`` says what its asyncio.Queue row does. A fan-out
    scenario (``compose`` in ``FANOUT``) has ``subscribers``; ``ours_label``, if set, says what our
    own rows measure (``broadcast_idle``: the put with 1,000 idle subscribers, against the same
    with 1 in the ``alt`` row).

    ``noun`` is what one counted unit is (ns per ``noun``): an item put, a delivered item (an
    item times a subscriber that received it), a set, a put.
    """

    key: str
    title: str
    short: str  # for the chart
    maxsize: int  # 0 means unbounded
    producers: int
    consumers: int
    burst: int  # > 0: bursts of this many put_nowait, then as many get_nowait, in one task
    items: int
    floor: FloorKind | None
    cancel: CancelOrder = ""
    #: At most this many repetitions (0: as many as the run has); for the scenarios whose
    #: quadratic peers take seconds per run.
    max_repetitions: int = 0
    compose: Compose = ""
    channels: int = 0
    batch: int = 0
    alt_label: str = ""
    queue_label: str = ""
    subscribers: int = 0
    ours_label: str = ""
    noun: str = "item"

    @property
    def unit(self) -> int:
        """``n`` must be a multiple of this, so that the work splits evenly."""
        if self.compose == "broadcast":
            return self.subscribers  # n counts deliveries: items times subscribers
        if self.cancel or self.compose in FANOUT:
            return 1
        if self.burst:
            return self.burst
        if self.compose:
            return self.channels
        p, c = self.producers, self.consumers
        return p * c // _gcd(p, c)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def _broadcast_scenario(subscribers: int) -> Scenario:
    """Broadcast to ``subscribers``, against a channel (or a queue) per subscriber."""
    to = f"{subscribers} subscriber{'s' if subscribers > 1 else ''}"
    return Scenario(
        key=f"broadcast_{subscribers}",
        title=(
            f"Broadcast(64) to {to}, 1 producer await put -> {subscribers} consumer"
            f"{'s' if subscribers > 1 else ''} (ns per delivered item: items x subscribers)"
        ),
        short=f"Broadcast(64)\nto {subscribers}\n(per delivery)",
        maxsize=64,
        producers=1,
        consumers=subscribers,
        burst=0,
        items=120_000,
        floor=None,
        compose="broadcast",
        subscribers=subscribers,
        alt_label="a Channel(64) per subscriber, the producer puts every item into each",
        queue_label="an asyncio.Queue(64) per subscriber, every item into each, sentinels",
        noun="delivered item",
    )


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
        noun="waiting getter",
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
        noun="waiting getter",
    ),
    Scenario(
        key="select_2",
        title="select() over 2 channels, maxsize 64 each, 1 producer round-robin -> 1 consumer",
        short="select() over 2\n(wait idiom\nloses items)",
        maxsize=64,
        producers=1,
        consumers=1,
        burst=0,
        items=12_000,
        floor=None,
        compose="select",
        channels=2,
        alt_label=(
            "Channel + asyncio.wait(FIRST_COMPLETED) over a get() task per channel (can lose items)"
        ),
        queue_label="asyncio.Queue + asyncio.wait idiom (can lose items)",
    ),
    Scenario(
        key="select_8",
        title="select() over 8 channels, maxsize 64 each, 1 producer round-robin -> 1 consumer",
        short="select() over 8\n(wait idiom\nloses items)",
        maxsize=64,
        producers=1,
        consumers=1,
        burst=0,
        items=12_000,
        floor=None,
        compose="select",
        channels=8,
        alt_label=(
            "Channel + asyncio.wait(FIRST_COMPLETED) over a get() task per channel (can lose items)"
        ),
        queue_label="asyncio.Queue + asyncio.wait idiom (can lose items)",
    ),
    Scenario(
        key="merge_4",
        title="merge() of 4 channels, maxsize 64 each, 1 producer each -> 1 consumer",
        short="merge() of 4\nmaxsize 64",
        maxsize=64,
        producers=4,
        consumers=1,
        burst=0,
        items=24_000,
        floor=None,
        compose="merge",
        channels=4,
        alt_label="Channel + a forwarding task per input into one Channel",
        queue_label="asyncio.Queue + a forwarding task per input into one Queue",
    ),
    Scenario(
        key="get_many_100",
        title="get_many(100) on a full channel (maxsize 1000, refilled in bursts of 1000)",
        short="get_many(100)\nfull buffer",
        maxsize=1000,
        producers=1,
        consumers=1,
        burst=1000,
        items=200_000,
        floor=None,
        compose="get_many",
        channels=1,
        batch=100,
        alt_label="Channel, a loop of await get()",
        queue_label="asyncio.Queue, a loop of await get()",
    ),
    *(_broadcast_scenario(subscribers) for subscribers in (1, 10, 100)),
    Scenario(
        key="broadcast_idle_1000",
        title=(
            "Broadcast(64, drop_oldest) put_nowait with 1,000 idle subscribers against 1 "
            "(ns per put)"
        ),
        short="Broadcast put_nowait\n1,000 idle subscribers\nvs 1",
        maxsize=64,
        producers=1,
        consumers=0,
        burst=0,
        items=300_000,
        floor=None,
        compose="broadcast_idle",
        subscribers=1000,
        ours_label="Broadcast(64, drop_oldest), 1,000 idle subscribers",
        alt_label="the same Broadcast with 1 idle subscriber",
        noun="put",
    ),
    Scenario(
        key="watch_8",
        title="Watch: 1 producer set() then sleep(0) -> 8 subscribers (ns per set)",
        short="Watch\nset() -> 8\nsubscribers",
        maxsize=0,
        producers=1,
        consumers=8,
        burst=0,
        items=3_000,
        floor=None,
        compose="watch",
        subscribers=8,
        alt_label="a shared value + an asyncio.Event that set() sets and replaces",
        noun="set",
    ),
    Scenario(
        key="lossy_put",
        title="Channel(100, overflow=drop_oldest) kept full: put_nowait drops one (ns per put)",
        short="put_nowait\nfull, drop_oldest",
        maxsize=100,
        producers=1,
        consumers=0,
        burst=0,
        items=250_000,
        floor=None,
        compose="lossy",
        alt_label="Channel(100): if full(): get_nowait(); then put_nowait()",
        queue_label="asyncio.Queue(100): if full(): get_nowait(); then put_nowait()",
        noun="put",
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


class Outcome(NamedTuple):
    """What one run measured: nanoseconds, and for a workload that can lose items (the
    ``asyncio.wait`` idiom) how many it lost; None for every other workload (which raises
    instead)."""

    ns: int
    lost: int | None = None


R = TypeVar("R")


# -- running on a loop ------------------------------------------------------------------------


def new_loop(loop: LoopName) -> asyncio.AbstractEventLoop:
    if loop == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def timed(run: Callable[[], R]) -> R:
    """``run()`` with the garbage collector collected before and disabled during it (as timeit)."""
    gc.collect()
    gc.disable()
    try:
        return run()
    finally:
        gc.enable()


def run_on_loop(loop: LoopName, main: Callable[[], Awaitable[R]]) -> R:
    """Run ``main()`` to completion on a fresh loop of kind ``loop``; return its result."""

    def run() -> R:
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


# -- composition: select(), merge(), get_many() ------------------------------------------------


class ManyReceiver(Protocol):
    async def get_many(self, max_items: int, /) -> Sequence[int]: ...


class ComposeReceiver(Receiver, ManyReceiver, Protocol):
    """A receive end that ``select()`` and ``merge()`` take and that has ``get_many()``."""


class Picked(Protocol):
    """What ``select()`` returns (aiochannel's ``Selected``)."""

    @property
    def channel(self) -> object: ...

    @property
    def closed(self) -> bool: ...

    @property
    def item(self) -> int: ...


RX_contra = TypeVar("RX_contra", contravariant=True)
RX = TypeVar("RX", bound=ComposeReceiver)


class SelectFn(Protocol[RX_contra]):
    """aiochannel's ``select``, as the select workload calls it."""

    def __call__(self, *ends: RX_contra) -> Awaitable[Picked]: ...


class MergeFn(Protocol[RX_contra]):
    """aiochannel's ``merge``, as the merge workload calls it."""

    def __call__(self, *ends: RX_contra) -> AsyncIterable[int]: ...


def _triangle(n: int) -> int:
    """The sum of the items 0 .. n-1: what a consumer that got every item once has added up."""
    return n * (n - 1) // 2


async def _round_robin(txs: Sequence[Sender], closes: Sequence[Callable[[], None]], n: int) -> None:
    """One producer: items 0 .. n-1 spread over ``txs`` in turn, then every channel closed."""
    k = len(txs)
    for i in range(n):
        await txs[i % k].put(i)
    for close in closes:
        close()


async def _produce_then_close(
    tx: Sender, close: Callable[[], None], start: int, count: int
) -> None:
    for i in range(start, start + count):
        await tx.put(i)
    close()


async def _sum_of(rx: AsyncIterable[int], sums: list[int], counts: list[int]) -> None:
    count = total = 0
    async for item in rx:
        count += 1
        total += item
    counts.append(count)
    sums.append(total)


async def _select_consume(select: SelectFn[RX], ends: list[RX]) -> tuple[int, int]:
    """Loop ``select()`` until every end is closed and drained; the count and sum of the items."""
    count = total = 0
    while ends:
        picked = await select(*ends)
        if picked.closed:
            gone = picked.channel
            ends = [end for end in ends if end is not gone]
        else:
            count += 1
            total += picked.item
    return count, total


async def compose_workload(
    make: Callable[[int], tuple[Sender, RX, Callable[[], None]]],
    select: SelectFn[RX] | None,
    merge: MergeFn[RX] | None,
    scenario: Scenario,
    n: int,
) -> int:
    """A composition scenario with aiochannel's own features (any version that has them): the
    receive ends of channels made by ``make`` and the package's ``select`` and ``merge``.

    - ``select``: one producer puts items 0 .. n-1 round-robin into ``scenario.channels``
      channels (``await put``) and then closes them; one consumer loops ``await select(*open)``,
      dropping a channel from the set when it is reported closed and drained.
    - ``merge``: one producer per channel (``await put``, then close), one consumer ``async for``
      over ``merge(*channels)``.
    - ``get_many``: ``get_many_workload``.

    Raises unless every item arrived exactly once (count and sum), and ``ValueError`` if the
    scenario needs ``select`` or ``merge`` and it is None (a package without it).
    """
    if scenario.compose == "get_many":
        return await get_many_workload(make, scenario, n)
    made = [make(scenario.maxsize) for _ in range(scenario.channels)]
    txs = [tx for tx, _, _ in made]
    rxs = [rx for _, rx, _ in made]
    closes = [close for _, _, close in made]
    if scenario.compose == "select":
        if select is None:
            raise ValueError(f"{scenario.key} needs select()")
        start = perf_counter_ns()
        producer = asyncio.ensure_future(_round_robin(txs, closes, n))
        count, total = await _select_consume(select, rxs)
        await producer
        elapsed = perf_counter_ns() - start
    elif scenario.compose == "merge":
        if merge is None:
            raise ValueError(f"{scenario.key} needs merge()")
        per_producer = n // scenario.channels
        counts: list[int] = []
        sums: list[int] = []
        start = perf_counter_ns()
        consumer = asyncio.ensure_future(_sum_of(merge(*rxs), sums, counts))
        await asyncio.gather(
            *(
                _produce_then_close(tx, close, k * per_producer, per_producer)
                for k, (tx, close) in enumerate(zip(txs, closes, strict=True))
            )
        )
        await consumer
        elapsed = perf_counter_ns() - start
        count, total = sum(counts), sum(sums)
    else:
        raise ValueError(f"{scenario.key} is not a select or merge scenario")
    check(count == n and total == _triangle(n), f"received {count} of {n} items (sum {total})")
    return elapsed


async def get_many_workload(
    make: Callable[[int], tuple[PutNowait, ManyReceiver, Callable[[], None]]],
    scenario: Scenario,
    n: int,
) -> int:
    """``n`` items taken with ``await get_many(scenario.batch)`` from a channel of maxsize
    ``scenario.burst``, refilled to full with ``put_nowait`` before each burst. Only the taking is
    timed (the refill is not)."""
    burst = scenario.burst
    tx, rx, close = make(burst)
    elapsed = received = 0
    last = -1
    for _ in range(n // burst):
        for i in range(burst):
            tx.put_nowait(i)
        got = 0
        start = perf_counter_ns()
        while got < burst:
            batch = await rx.get_many(scenario.batch)
            got += len(batch)
            last = batch[-1]
        elapsed += perf_counter_ns() - start
        received += got
    close()
    check(received == n and last == burst - 1, f"received {received} of {n} items, last {last}")
    return elapsed


async def get_loop_workload(make: MakeEnds, scenario: Scenario, n: int) -> int:
    """The same as ``get_many_workload`` with one ``await get()`` per item instead."""
    burst = scenario.burst
    tx, rx, close = make(burst)
    elapsed = 0
    last = -1
    for _ in range(n // burst):
        for i in range(burst):
            tx.put_nowait(i)
        start = perf_counter_ns()
        for _ in range(burst):
            last = await rx.get()
        elapsed += perf_counter_ns() - start
    close()
    check(last == burst - 1, f"last item {last}")
    return elapsed


async def _forward(rx: Receiver, out: Sender) -> None:
    async for item in rx:
        await out.put(item)


async def forward_workload(make: MakeEnds, scenario: Scenario, n: int) -> int:
    """The merge scenario without ``merge()``: one forwarding task per input (``async for item in
    ch: await out.put(item)``) into one channel of the same maxsize, closed once every forwarder
    is done; the consumer goes ``async for`` over it."""
    made = [make(scenario.maxsize) for _ in range(scenario.channels)]
    out_tx, out_rx, out_close = make(scenario.maxsize)
    per_producer = n // scenario.channels
    counts: list[int] = []
    sums: list[int] = []
    start = perf_counter_ns()
    consumer = asyncio.ensure_future(_sum_of(out_rx, sums, counts))
    forwarders = [asyncio.ensure_future(_forward(rx, out_tx)) for _, rx, _ in made]
    await asyncio.gather(
        *(
            _produce_then_close(tx, close, k * per_producer, per_producer)
            for k, (tx, _, close) in enumerate(made)
        )
    )
    await asyncio.gather(*forwarders)
    out_close()
    await consumer
    elapsed = perf_counter_ns() - start
    count, total = sum(counts), sum(sums)
    check(count == n and total == _triangle(n), f"received {count} of {n} items (sum {total})")
    return elapsed


async def select_idiom_workload(
    make: MakeEnds, closed: type[BaseException], scenario: Scenario, n: int
) -> Outcome:
    """The select scenario without ``select()``: the common asyncio idiom. Per item the consumer
    makes one ``asyncio.ensure_future(rx.get())`` task per open channel, waits with
    ``asyncio.wait(..., return_when=FIRST_COMPLETED)``, cancels the pending tasks and takes the
    result of one done task. A channel whose task raised ``closed`` is dropped.

    The idiom loses items: every other task that was done too had taken an item, which is
    dropped with it. They are counted (``Outcome.lost``) rather than raised; the run still raises
    unless every item was either received or lost exactly once (count and sum). A cancelled task
    took nothing (the channel gives a promised item back), so losses are only those.
    """
    made = [make(scenario.maxsize) for _ in range(scenario.channels)]
    txs = [tx for tx, _, _ in made]
    ends = [rx for _, rx, _ in made]
    closes = [close for _, _, close in made]
    start = perf_counter_ns()
    producer = asyncio.ensure_future(_round_robin(txs, closes, n))
    count = total = lost = lost_total = 0
    cancelled: set[asyncio.Task[int]] = set()
    while ends:
        tasks = {asyncio.ensure_future(rx.get()): rx for rx in ends}
        done, cancelled = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in cancelled:
            task.cancel()
        first = done.pop()
        error = first.exception()
        if error is None:
            count += 1
            total += first.result()
        elif isinstance(error, closed):
            gone = tasks[first]
            ends = [end for end in ends if end is not gone]
        else:
            raise error
        for task in done:  # done as well: the idiom drops what they took
            error = task.exception()
            if error is None:
                lost += 1
                lost_total += task.result()
            elif not isinstance(error, closed):
                raise error
    # The tasks cancelled in the last round (those of earlier rounds ended while the next
    # round waited: their wake-ups were scheduled first).
    await asyncio.gather(*cancelled, return_exceptions=True)
    await producer
    elapsed = perf_counter_ns() - start
    check(
        count + lost == n and total + lost_total == _triangle(n),
        f"received {count} and lost {lost} of {n} items (sums {total} + {lost_total})",
    )
    return Outcome(elapsed, lost)


# -- composition on asyncio.Queue -----------------------------------------------------------------


async def _queue_round_robin(queues: Sequence[asyncio.Queue[int | None]], n: int) -> None:
    k = len(queues)
    for i in range(n):
        await queues[i % k].put(i)
    for queue in queues:
        await queue.put(None)


async def _queue_produce_then_end(q: asyncio.Queue[int | None], start: int, count: int) -> None:
    for i in range(start, start + count):
        await q.put(i)
    await q.put(None)


async def _queue_forward(q: asyncio.Queue[int | None], out: asyncio.Queue[int | None]) -> None:
    while (item := await q.get()) is not None:
        await out.put(item)


async def _queue_sum(q: asyncio.Queue[int | None]) -> tuple[int, int]:
    count = total = 0
    while (item := await q.get()) is not None:
        count += 1
        total += item
    return count, total


async def _queue_select_idiom(scenario: Scenario, n: int) -> Outcome:
    """``select_idiom_workload`` on asyncio.Queues, with a ``None`` sentinel per queue instead of
    closing. A done task's sentinel is honoured even when the idiom drops that task's result:
    otherwise its queue would never end and the consumer would wait for ever."""
    queues: list[asyncio.Queue[int | None]] = [
        asyncio.Queue(scenario.maxsize) for _ in range(scenario.channels)
    ]
    start = perf_counter_ns()
    producer = asyncio.ensure_future(_queue_round_robin(queues, n))
    count = total = lost = lost_total = 0
    cancelled: set[asyncio.Task[int | None]] = set()
    while queues:
        tasks = {asyncio.ensure_future(q.get()): q for q in queues}
        done, cancelled = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in cancelled:
            task.cancel()
        ended: list[asyncio.Queue[int | None]] = []
        first = done.pop()
        item = first.result()
        if item is None:
            ended.append(tasks[first])
        else:
            count += 1
            total += item
        for task in done:
            item = task.result()
            if item is None:
                ended.append(tasks[task])
            else:
                lost += 1
                lost_total += item
        if ended:
            queues = [q for q in queues if all(q is not gone for gone in ended)]
    await asyncio.gather(*cancelled, return_exceptions=True)
    await producer
    elapsed = perf_counter_ns() - start
    check(
        count + lost == n and total + lost_total == _triangle(n),
        f"received {count} and lost {lost} of {n} items (sums {total} + {lost_total})",
    )
    return Outcome(elapsed, lost)


async def _queue_forwarding(scenario: Scenario, n: int) -> int:
    """``forward_workload`` on asyncio.Queues: each producer ends its queue with ``None``, each
    forwarder stops there, and the coordinator puts one ``None`` into the output queue once
    every forwarder is done."""
    queues: list[asyncio.Queue[int | None]] = [
        asyncio.Queue(scenario.maxsize) for _ in range(scenario.channels)
    ]
    out: asyncio.Queue[int | None] = asyncio.Queue(scenario.maxsize)
    per_producer = n // scenario.channels
    start = perf_counter_ns()
    consumer = asyncio.ensure_future(_queue_sum(out))
    forwarders = [asyncio.ensure_future(_queue_forward(q, out)) for q in queues]
    await asyncio.gather(
        *(_queue_produce_then_end(q, k * per_producer, per_producer) for k, q in enumerate(queues))
    )
    await asyncio.gather(*forwarders)
    await out.put(None)
    count, total = await consumer
    elapsed = perf_counter_ns() - start
    check(count == n and total == _triangle(n), f"received {count} of {n} items (sum {total})")
    return elapsed


async def _queue_get_loop(scenario: Scenario, n: int) -> int:
    """``get_loop_workload`` on a full ``asyncio.Queue(scenario.burst)``."""
    burst = scenario.burst
    queue: asyncio.Queue[int] = asyncio.Queue(burst)
    elapsed = 0
    last = -1
    for _ in range(n // burst):
        for i in range(burst):
            queue.put_nowait(i)
        start = perf_counter_ns()
        for _ in range(burst):
            last = await queue.get()
        elapsed += perf_counter_ns() - start
    check(last == burst - 1, f"last item {last}")
    return elapsed


async def queue_compose_workload(scenario: Scenario, n: int) -> Outcome:
    """A composition scenario on asyncio.Queue, which has none of the features: the idiom of
    ``select_idiom_workload``, ``forward_workload`` or ``get_loop_workload`` on queues."""
    if scenario.compose == "select":
        return await _queue_select_idiom(scenario, n)
    if scenario.compose == "merge":
        return Outcome(await _queue_forwarding(scenario, n))
    if scenario.compose == "get_many":
        return Outcome(await _queue_get_loop(scenario, n))
    raise ValueError(f"{scenario.key} is not a composition scenario")


# -- fan-out: Broadcast, Watch, lossy Channel (issue 17) -----------------------------------------

BroadcastOverflow = Literal["wait", "drop_oldest"]
#: The send end, the subscribe function and the close function of a new ``Broadcast``.
BroadcastEnds = tuple[Sender, Callable[[], Receiver], Callable[[], None]]
#: The set function, the subscribe function and the close function of a new ``Watch``.
WatchEnds = tuple[Callable[[int], None], Callable[[], Receiver], Callable[[], None]]


class Drained(GetNowait, Protocol):
    def qsize(self) -> int: ...


class KeepLatest(PutNowait, Drained, Protocol):
    """A bounded channel or queue that the keep-the-latest idiom drives by hand."""

    def full(self) -> bool: ...


@dataclass(frozen=True)
class FanOut:
    """A package's fan-out features, as the fan-out workloads use them (any version that has
    them; called inside the running loop)."""

    #: ``Broadcast(maxsize, overflow=...)``
    broadcast: Callable[[int, BroadcastOverflow], BroadcastEnds]
    #: ``Watch(initial)``
    watch: Callable[[int], WatchEnds]
    #: ``Channel(maxsize, overflow="drop_oldest")``: its send and receive ends
    lossy: Callable[[int], tuple[PutNowait, Drained]]
    #: ``ChannelLagged.missed`` of an error, or None for any other error
    missed: Callable[[BaseException], int | None]


def _check_deliveries(counts: list[int], sums: list[int], items: int, subscribers: int) -> None:
    """Every subscriber received items 0 .. items-1 once (count and sum)."""
    ok = counts == [items] * subscribers and sums == [_triangle(items)] * subscribers
    check(ok, f"{len(counts)} subscribers received {sorted(set(counts))} of {items} items")


async def broadcast_workload(fanout: FanOut, scenario: Scenario, n: int) -> int:
    """``n`` deliveries: one producer ``await put``s ``n // subscribers`` items into a
    ``Broadcast(maxsize)`` (``overflow="wait"``) and closes it; every subscriber goes ``async
    for`` over its subscription and must receive every item once."""
    subscribers = scenario.subscribers
    items = n // subscribers
    tx, subscribe, close = fanout.broadcast(scenario.maxsize, "wait")
    rxs = [subscribe() for _ in range(subscribers)]
    counts: list[int] = []
    sums: list[int] = []
    start = perf_counter_ns()
    consumers = [asyncio.ensure_future(_sum_of(rx, sums, counts)) for rx in rxs]
    await _produce(tx, 0, items)
    close()
    await asyncio.gather(*consumers)
    elapsed = perf_counter_ns() - start
    _check_deliveries(counts, sums, items, subscribers)
    return elapsed


async def fan_out_workload(make: MakeEnds, scenario: Scenario, n: int) -> int:
    """The broadcast scenario without ``Broadcast``: one channel of ``maxsize`` per subscriber;
    the producer ``await put``s every item into each in turn, then closes each."""
    subscribers = scenario.subscribers
    items = n // subscribers
    made = [make(scenario.maxsize) for _ in range(subscribers)]
    counts: list[int] = []
    sums: list[int] = []
    start = perf_counter_ns()
    consumers = [asyncio.ensure_future(_sum_of(rx, sums, counts)) for _, rx, _ in made]
    for i in range(items):
        for tx, _, _ in made:
            await tx.put(i)
    for _, _, close in made:
        close()
    await asyncio.gather(*consumers)
    elapsed = perf_counter_ns() - start
    _check_deliveries(counts, sums, items, subscribers)
    return elapsed


async def _queue_sum_into(q: asyncio.Queue[int | None], sums: list[int], counts: list[int]) -> None:
    count, total = await _queue_sum(q)
    counts.append(count)
    sums.append(total)


async def _queue_fan_out(scenario: Scenario, n: int) -> int:
    """``fan_out_workload`` on one ``asyncio.Queue(maxsize)`` per subscriber, each ended with a
    ``None`` sentinel."""
    subscribers = scenario.subscribers
    items = n // subscribers
    queues: list[asyncio.Queue[int | None]] = [
        asyncio.Queue(scenario.maxsize) for _ in range(subscribers)
    ]
    counts: list[int] = []
    sums: list[int] = []
    start = perf_counter_ns()
    consumers = [asyncio.ensure_future(_queue_sum_into(q, sums, counts)) for q in queues]
    for i in range(items):
        for q in queues:
            await q.put(i)
    for q in queues:
        await q.put(None)
    await asyncio.gather(*consumers)
    elapsed = perf_counter_ns() - start
    _check_deliveries(counts, sums, items, subscribers)
    return elapsed


def _check_lagged(
    rx: Receiver, missed: Callable[[BaseException], int | None], kept: int, n: int
) -> None:
    """An idle subscriber of a drop_oldest broadcast that ``n`` items were put into: its next get
    reports the ``n - kept`` it missed, then it reads the last ``kept`` items in order."""
    if n > kept:
        try:
            rx.get_nowait()
        except Exception as exc:
            check(missed(exc) == n - kept, f"{exc!r} for {n - kept} items missed")
        else:
            check(False, f"no lag reported for {n - kept} items missed")
    got = [rx.get_nowait() for _ in range(min(kept, n))]
    check(got == list(range(max(0, n - kept), n)), f"kept {got[:3]}... of {n} items")


async def broadcast_idle_workload(
    fanout: FanOut, subscribers: int, scenario: Scenario, n: int
) -> int:
    """``n`` ``put_nowait`` (timed) into a ``Broadcast(maxsize, overflow="drop_oldest")`` with
    ``subscribers`` subscribers that never read during it. Afterwards every subscriber must
    report what it missed and then read the last ``maxsize`` items (not timed)."""
    tx, subscribe, close = fanout.broadcast(scenario.maxsize, "drop_oldest")
    rxs = [subscribe() for _ in range(subscribers)]
    start = perf_counter_ns()
    for i in range(n):
        tx.put_nowait(i)
    elapsed = perf_counter_ns() - start
    for rx in rxs:
        _check_lagged(rx, fanout.missed, scenario.maxsize, n)
    close()
    return elapsed


async def _watch_values(rx: AsyncIterable[int], lasts: list[int]) -> None:
    """A subscriber: every value it sees is above the one before; the last one it saw."""
    last = -1
    async for value in rx:
        check(value > last, f"value {value} after {last}")
        last = value
    lasts.append(last)


async def watch_workload(fanout: FanOut, scenario: Scenario, n: int) -> int:
    """``n`` sets: a ``Watch(0)`` with ``subscribers`` tasks going ``async for`` over their
    subscriptions (each ``get()`` returns the latest unseen value, or waits for the next set);
    the producer sets 1 .. n with ``await asyncio.sleep(0)`` after each, then closes it. Every
    subscriber must see increasing values, the last of them ``n``."""
    set_value, subscribe, close = fanout.watch(0)
    rxs = [subscribe() for _ in range(scenario.subscribers)]
    lasts: list[int] = []
    start = perf_counter_ns()
    watchers = [asyncio.ensure_future(_watch_values(rx, lasts)) for rx in rxs]
    for i in range(1, n + 1):
        set_value(i)
        await asyncio.sleep(0)
    close()
    await asyncio.gather(*watchers)
    elapsed = perf_counter_ns() - start
    check(lasts == [n] * scenario.subscribers, f"last values seen {sorted(set(lasts))}, not {n}")
    return elapsed


class _Latest:
    """The usual way without ``Watch``: a shared value, a version that every ``set`` bumps, and
    an ``asyncio.Event`` that ``set`` sets and replaces with a fresh one (so a waiter that wakes
    up waits on the next one); ``close`` sets the last event and leaves it set."""

    __slots__ = ("changed", "closed", "value", "version")

    def __init__(self, value: int) -> None:
        self.value = value
        self.version = 0
        self.closed = False
        self.changed = asyncio.Event()

    def set(self, value: int) -> None:
        self.value = value
        self.version += 1
        self.changed.set()
        self.changed = asyncio.Event()

    def close(self) -> None:
        self.closed = True
        self.changed.set()


async def _latest_values(latest: _Latest, lasts: list[int]) -> None:
    """A reader of ``_Latest``: reads the value whenever its version is new, and stops only once
    it has seen the current version and the state is closed (so it never misses the last)."""
    seen = -1
    last = -1
    while True:
        if latest.version != seen:
            seen = latest.version
            check(latest.value > last, f"value {latest.value} after {last}")
            last = latest.value
        elif latest.closed:
            break
        else:
            await latest.changed.wait()
    lasts.append(last)


async def latest_value_workload(scenario: Scenario, n: int) -> int:
    """``watch_workload`` on ``_Latest``: plain asyncio, a shared value and an Event."""
    latest = _Latest(0)
    lasts: list[int] = []
    start = perf_counter_ns()
    readers = [
        asyncio.ensure_future(_latest_values(latest, lasts)) for _ in range(scenario.subscribers)
    ]
    for i in range(1, n + 1):
        latest.set(i)
        await asyncio.sleep(0)
    latest.close()
    await asyncio.gather(*readers)
    elapsed = perf_counter_ns() - start
    check(lasts == [n] * scenario.subscribers, f"last values seen {sorted(set(lasts))}, not {n}")
    return elapsed


def _check_latest(rx: Drained, kept: int, n: int) -> None:
    """After ``kept + n`` puts of 0, 1, ..., the channel holds the last ``kept``, in order."""
    got = [rx.get_nowait() for _ in range(kept)]
    ok = got == list(range(n, n + kept)) and rx.qsize() == 0
    check(ok, f"kept {got[:3]}... after {n + kept} puts")


async def lossy_workload(fanout: FanOut, scenario: Scenario, n: int) -> int:
    """``n`` ``put_nowait`` (timed) into a ``Channel(maxsize, overflow="drop_oldest")`` filled
    to full first (not timed): every put drops the oldest item. It must hold the last
    ``maxsize`` items afterwards."""
    kept = scenario.maxsize
    tx, rx = fanout.lossy(kept)
    for i in range(kept):
        tx.put_nowait(i)
    start = perf_counter_ns()
    for i in range(kept, kept + n):
        tx.put_nowait(i)
    elapsed = perf_counter_ns() - start
    _check_latest(rx, kept, n)
    return elapsed


async def keep_latest_workload(
    make: Callable[[int], KeepLatest], scenario: Scenario, n: int
) -> int:
    """``lossy_workload`` without the overflow policy, on a plain bounded channel or queue: per
    item ``if q.full(): q.get_nowait()``, then ``q.put_nowait(item)``."""
    kept = scenario.maxsize
    q = make(kept)
    for i in range(kept):
        q.put_nowait(i)
    start = perf_counter_ns()
    for i in range(kept, kept + n):
        if q.full():
            q.get_nowait()
        q.put_nowait(i)
    elapsed = perf_counter_ns() - start
    _check_latest(q, kept, n)
    return elapsed


async def fanout_workload(fanout: FanOut, scenario: Scenario, n: int) -> int:
    """A fan-out scenario with the package's own features (our rows, or a worker's package)."""
    if scenario.compose == "broadcast":
        return await broadcast_workload(fanout, scenario, n)
    if scenario.compose == "broadcast_idle":
        return await broadcast_idle_workload(fanout, scenario.subscribers, scenario, n)
    if scenario.compose == "watch":
        return await watch_workload(fanout, scenario, n)
    if scenario.compose == "lossy":
        return await lossy_workload(fanout, scenario, n)
    raise ValueError(f"{scenario.key} is not a fan-out scenario")


def _queue_of(maxsize: int) -> KeepLatest:
    return asyncio.Queue[int](maxsize)


async def queue_fanout_workload(scenario: Scenario, n: int) -> int:
    """A fan-out scenario on asyncio.Queue: one queue per subscriber (broadcast), or the
    keep-the-latest idiom (lossy). The other two have no asyncio.Queue row."""
    if scenario.compose == "broadcast":
        return await _queue_fan_out(scenario, n)
    if scenario.compose == "lossy":
        return await keep_latest_workload(_queue_of, scenario, n)
    raise ValueError(f"{scenario.key} has no asyncio.Queue row")
