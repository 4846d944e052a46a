"""Randomized producer/consumer runs with timeouts and cancellations at random moments.

Shared by ``test_stress.py`` (fixed seeds) and ``soak.py`` (fresh seeds for as long as asked).
A seed picks everything random in a run: its shape (``Scenario.from_seed``) and every choice of
every task (each task draws from its own generator, seeded from the run's seed and its name).
Timeouts are real time, so which operation a timeout or a cancellation hits also depends on the
machine's speed: a failing seed may need several replays to fail again.

What a run checks, once every task has finished:

* the items received, as a multiset, are exactly the items whose ``put`` returned: nothing lost,
  nothing duplicated, and nothing whose ``put`` raised (cancelled, timed out, full) is received;
* each consumer whose own gets are never cancelled, and the only consumer of a run in any case,
  sees each producer's items in the order they were put;
* no task hangs: the run finishes within ``HANG_SECONDS``; every task it started is done; the
  channel ends closed and drained with no waiter left, and ``join()`` returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal, TypeVar

from _support import close_stranded

from aiochannel import (
    Channel,
    ChannelClosed,
    ChannelEmpty,
    ChannelFull,
    ReceiveChannel,
    SendChannel,
    merge,
    select,
)

Item = tuple[int, int]  # (producer, sequence number)
T = TypeVar("T")

HANG_SECONDS = 20.0
# Real-time timeouts: 0 (expires at the first suspension), and a few short ones.
TIMEOUTS = (0.0, 0.0, 0.0001, 0.0005, 0.002)

PutHow = Literal["put", "wait_for", "nowait", "cancel"]
GetHow = Literal["get", "wait_for", "nowait", "cancel", "iterate"]
PUT_WAYS: tuple[PutHow, ...] = ("put", "put", "wait_for", "nowait", "cancel", "cancel")
GET_WAYS_CANCELLING: tuple[GetHow, ...] = (
    "get",
    "wait_for",
    "nowait",
    "cancel",
    "cancel",
    "iterate",
)
GET_WAYS_PLAIN: tuple[GetHow, ...] = ("get", "get", "nowait", "iterate")


@dataclass(frozen=True)
class Scenario:
    seed: int
    maxsize: int
    producers: int
    consumers: int
    items: int  # per producer
    #: Whether consumers cancel (or time out) their own gets; if not, each must see every
    #: producer's items in order even when there are several consumers.
    cancel_gets: bool = True
    #: Whether the channel is closed at a random moment while producers still put (else once
    #: every producer is done).
    close_early: bool = False

    @classmethod
    def from_seed(cls, seed: int) -> Scenario:
        rng = random.Random(seed)
        return cls(
            seed=seed,
            maxsize=rng.choice((0, 1, 1, 2, 3, 8)),
            producers=rng.randint(1, 5),
            consumers=rng.randint(1, 5),
            items=rng.randint(10, 80),
            cancel_gets=rng.random() < 0.75,
            close_early=rng.random() < 0.3,
        )

    def describe(self) -> str:
        return (
            f"seed={self.seed} maxsize={self.maxsize} producers={self.producers} "
            f"consumers={self.consumers} items={self.items} cancel_gets={self.cancel_gets} "
            f"close_early={self.close_early}"
        )


@dataclass
class Record:
    sent: list[Item] = field(default_factory=list[Item])
    refused: list[Item] = field(default_factory=list[Item])  # put raised
    received: dict[int, list[Item]] = field(default_factory=dict[int, list[Item]])
    subtasks: list[asyncio.Task[object]] = field(default_factory=list[asyncio.Task[object]])
    join_finished_open: bool = False


def cancel_soon(task: asyncio.Task[T], rng: random.Random) -> None:
    """Cancel ``task`` at a random moment: after some loop iterations, or some real time."""
    loop = asyncio.get_running_loop()
    if rng.random() < 0.7:
        iterations = rng.randint(0, 4)

        def countdown(left: int) -> None:
            if left:
                loop.call_soon(countdown, left - 1)
            else:
                task.cancel()

        countdown(iterations)
    else:
        loop.call_later(rng.choice(TIMEOUTS), task.cancel)


async def in_cancelled_task(
    make: Callable[[], Awaitable[T]], rng: random.Random, record: Record
) -> tuple[bool, T | None]:
    """Run ``make()`` in a task that is cancelled at a random moment; wait for it to end.

    Returns ``(False, None)`` if the cancellation won, else ``(True, result)``; other exceptions
    propagate.
    """

    async def body() -> T:
        return await make()

    task = asyncio.ensure_future(body())
    record.subtasks.append(task)
    cancel_soon(task, rng)
    await asyncio.wait({task})
    if task.cancelled():
        return False, None
    return True, task.result()


async def producer(
    ch: Channel[Item], who: int, sc: Scenario, record: Record, rng: random.Random
) -> None:
    for seq in range(sc.items):
        item = (who, seq)
        tx: SendChannel[Item] = ch.sender if rng.random() < 0.5 else ch
        how = rng.choice(PUT_WAYS)
        ok = True
        try:
            if how == "put":
                await tx.put(item)
            elif how == "wait_for":
                try:
                    await asyncio.wait_for(tx.put(item), rng.choice(TIMEOUTS))
                except asyncio.TimeoutError:
                    ok = False
            elif how == "nowait":
                try:
                    tx.put_nowait(item)
                except ChannelFull:
                    ok = False
                    await asyncio.sleep(0)
            else:
                ok, _ = await in_cancelled_task(partial(tx.put, item), rng, record)
        except ChannelClosed:
            assert ch.closed()
            record.refused.append(item)
            return
        (record.sent if ok else record.refused).append(item)
        if rng.random() < 0.1:
            await asyncio.sleep(rng.choice((0, 0, 0.0002)))


async def consumer(
    ch: Channel[Item], who: int, sc: Scenario, record: Record, rng: random.Random
) -> None:
    got = record.received[who] = []
    ways = GET_WAYS_CANCELLING if sc.cancel_gets else GET_WAYS_PLAIN
    while True:
        rx: ReceiveChannel[Item] = ch.receiver if rng.random() < 0.5 else ch
        how = rng.choice(ways)
        try:
            if how == "get":
                got.append(await rx.get())
            elif how == "wait_for":
                with contextlib.suppress(asyncio.TimeoutError):
                    got.append(await asyncio.wait_for(rx.get(), rng.choice(TIMEOUTS)))
            elif how == "nowait":
                try:
                    got.append(rx.get_nowait())
                except ChannelEmpty:
                    await asyncio.sleep(0)
            elif how == "cancel":
                ok, item = await in_cancelled_task(rx.get, rng, record)
                if ok:
                    assert item is not None
                    got.append(item)
            else:
                async for item in rx:
                    got.append(item)
                    if rng.random() < 0.2:
                        break
                else:
                    return  # closed and drained
        except ChannelClosed:
            return
        if rng.random() < 0.1:
            await asyncio.sleep(rng.choice((0, 0, 0.0002)))


async def joiner(ch: Channel[Item], record: Record) -> None:
    await ch.join()
    record.join_finished_open = not ch.closed()


def waiters_left(ch: Channel[Item]) -> str:
    """The channel's private bookkeeping, for failure messages and the final check."""
    s = ch._s  # pyright: ignore[reportPrivateUsage]
    return (
        f"getters={list(s.getters or ())} putters={list(s.putters or ())} "
        f"joiners={list(s.joiners or ())} reserved={s.reserved} granted={s.granted}"
    )


async def run_scenario(sc: Scenario) -> Record:
    """Run ``sc`` on the running loop; raise AssertionError (naming the scenario) on a violation."""
    try:
        return await asyncio.wait_for(_run(sc), HANG_SECONDS)
    except asyncio.TimeoutError:
        raise AssertionError(f"hung for {HANG_SECONDS}s: {sc.describe()}") from None
    except AssertionError as exc:
        raise AssertionError(f"{sc.describe()}: {exc}") from exc


async def _run(sc: Scenario) -> Record:
    ch: Channel[Item] = Channel(sc.maxsize)
    record = Record()
    producers = [
        asyncio.ensure_future(producer(ch, p, sc, record, random.Random(f"{sc.seed}/p{p}")))
        for p in range(sc.producers)
    ]
    consumers = [
        asyncio.ensure_future(consumer(ch, c, sc, record, random.Random(f"{sc.seed}/c{c}")))
        for c in range(sc.consumers)
    ]
    join_task = asyncio.ensure_future(joiner(ch, record))
    rng = random.Random(f"{sc.seed}/close")
    try:
        if sc.close_early:
            # Close while producers put: after a random number of items went through.
            await asyncio.sleep(0)
            for _ in range(rng.randrange(sc.items * sc.producers // 2 + 1)):
                await asyncio.sleep(0)
            ch.close()
        else:
            await asyncio.gather(*producers)
            if rng.random() < 0.5:
                ch.close()
            else:
                asyncio.get_running_loop().call_soon(ch.close)
        await asyncio.gather(*producers, *consumers, join_task)
    finally:
        for task in (*producers, *consumers, join_task):
            task.cancel()

    # Every task (also the ones each operation was wrapped in) is done.
    assert all(task.done() for task in record.subtasks), "a cancelled operation never ended"
    assert not record.join_finished_open, "join() returned before close"
    # Closed, drained, nobody waiting.
    assert ch.closed()
    assert ch.qsize() == 0
    assert list(ch) == []
    s = ch._s  # pyright: ignore[reportPrivateUsage]
    assert not s.items, f"items left: {list(s.items or ())}"
    assert not s.getters, waiters_left(ch)
    assert not s.putters, waiters_left(ch)
    assert not s.joiners, waiters_left(ch)
    assert s.reserved == 0, waiters_left(ch)
    assert s.granted == 0, waiters_left(ch)
    await asyncio.wait_for(ch.join(), 1)

    # Nothing lost, nothing duplicated, nothing refused received.
    received = [item for got in record.received.values() for item in got]
    refused = set(record.refused)
    assert not refused.intersection(received), sorted(refused.intersection(received))
    sent, got = Counter(record.sent), Counter(received)
    assert sent == got, (
        f"lost {sorted((sent - got).elements())}, extra {sorted((got - sent).elements())}"
    )
    if not sc.close_early:
        assert len(record.sent) + len(record.refused) == sc.producers * sc.items

    # Each producer's items in order, per consumer.
    if sc.consumers == 1 or not sc.cancel_gets:
        for who, items in record.received.items():
            last: dict[int, int] = {}
            for p, seq in items:
                assert seq > last.get(p, -1), f"consumer {who} got {(p, seq)} after {(p, last[p])}"
                last[p] = seq
    return record


# -- a loop closed in the middle of the traffic ----------------------------------------------


def run_stranded(
    seed: int,
    maxsize: int,
    first: Callable[[], asyncio.AbstractEventLoop],
    second: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    """Producers and consumers on one loop, some of them cancelled at random moments; the loop is
    closed after a random number of iterations, stranding whatever waited; a second loop then
    drains the channel. Nothing whose put returned is lost, nothing is duplicated, nothing whose
    put did not return is received, and no operation raises because of the stranded waiters.

    Only operations that record their outcome in the same step as they complete are used
    (``put``, ``put_nowait``, ``get``, ``get_nowait``, ``async for``): a stranded task that wraps
    an operation in another task could not record what that task did.
    """
    rng = random.Random(f"{seed}/stranded")
    ch: Channel[Item] = Channel(maxsize)
    sent: list[Item] = []
    received: list[Item] = []

    async def produce(who: int) -> None:
        r = random.Random(f"{seed}/p{who}")
        for seq in range(r.randint(5, 60)):
            item = (who, seq)
            if r.random() < 0.5:
                await ch.put(item)
            else:
                try:
                    ch.put_nowait(item)
                except ChannelFull:
                    await asyncio.sleep(0)
                    continue
            sent.append(item)
            if r.random() < 0.3:
                await asyncio.sleep(0)

    async def consume(who: int) -> None:
        r = random.Random(f"{seed}/c{who}")
        while True:
            how = r.random()
            if how < 0.4:
                received.append(await ch.get())
            elif how < 0.7:
                try:
                    received.append(ch.get_nowait())
                except ChannelEmpty:
                    await asyncio.sleep(0)
            else:
                async for item in ch.receiver:
                    received.append(item)
                    if r.random() < 0.3:
                        break

    loop = first()
    tasks = [loop.create_task(produce(p)) for p in range(rng.randint(1, 4))]
    tasks += [loop.create_task(consume(c)) for c in range(rng.randint(1, 4))]
    for task in tasks:
        if rng.random() < 0.3:
            loop.call_later(rng.choice(TIMEOUTS), task.cancel)
    for _ in range(rng.randrange(1, 80)):
        loop.run_until_complete(asyncio.sleep(0))
    # From outside the loop, calls that promise items to waiting getters and grant slots to
    # waiting putters, which will never resume to take them.
    for seq in range(rng.randrange(6)):
        try:
            if rng.random() < 0.5:
                ch.put_nowait((-1, seq))
                sent.append((-1, seq))
            else:
                received.append(ch.get_nowait())
        except (ChannelEmpty, ChannelFull):
            pass
    loop.close()  # with tasks still waiting, or holding a promise or grant

    async def drain() -> list[Item]:
        ch.close()
        return [item async for item in ch]

    loop = second()
    try:
        received += loop.run_until_complete(asyncio.wait_for(drain(), HANG_SECONDS))
        loop.run_until_complete(asyncio.wait_for(ch.join(), HANG_SECONDS))
    finally:
        loop.close()
    for task in tasks:  # the stranded ones never resume; end their coroutines quietly
        if not task.done():
            close_stranded(task)
    assert Counter(received) == Counter(sent), (
        f"seed {seed}: lost {sorted((Counter(sent) - Counter(received)).elements())}, "
        f"extra {sorted((Counter(received) - Counter(sent)).elements())}"
    )
    assert ch.qsize() == 0
    s = ch._s  # pyright: ignore[reportPrivateUsage]
    assert (s.reserved, s.granted) == (0, 0), waiters_left(ch)


# -- producers and consumers on handles of their own ------------------------------------------


async def run_handles(seed: int) -> None:
    """Producers each on a send clone, consumers each on a receive clone, the channel's own
    handles closed once the clones are made. Producers close their handle when done (some with
    an error, which fails the stream); consumers take items in every way, with cancellations and
    timeouts, and some hang up early, while at least one reads to the end. Checks: what was
    received is exactly what was put (an error fails the stream only after the drain), no task
    hangs, and the channel ends closed with no handle open and nothing waiting."""
    rng = random.Random(f"{seed}/handles")
    ch: Channel[Item] = Channel(rng.choice((0, 1, 2, 4)))
    record = Record()
    producers = rng.randint(1, 4)
    consumers = rng.randint(1, 4)
    failing = rng.randrange(producers) if rng.random() < 0.3 else -1
    causes: list[BaseException | None] = []  # of the ChannelClosed that ended consumers

    async def produce(who: int, tx: SendChannel[Item]) -> None:
        r = random.Random(f"{seed}/p{who}")
        with contextlib.suppress(ChannelClosed):  # the stream failed, or every consumer left
            for seq in range(r.randint(5, 60)):
                item = (who, seq)
                how = r.choice(PUT_WAYS)
                ok = True
                if how == "put":
                    await tx.put(item)
                elif how == "wait_for":
                    try:
                        await asyncio.wait_for(tx.put(item), r.choice(TIMEOUTS))
                    except asyncio.TimeoutError:
                        ok = False
                elif how == "nowait":
                    try:
                        tx.put_nowait(item)
                    except ChannelFull:
                        ok = False
                        await asyncio.sleep(0)
                else:
                    ok, _ = await in_cancelled_task(partial(tx.put, item), r, record)
                (record.sent if ok else record.refused).append(item)
        tx.close(ValueError(f"producer {who} failed") if who == failing else None)

    async def consume(who: int, rx: ReceiveChannel[Item], stays: bool) -> None:
        r = random.Random(f"{seed}/c{who}")
        got = record.received[who] = []
        leave_after = None if stays else r.randint(0, 30)
        try:
            while leave_after is None or len(got) < leave_after:
                how = r.choice(GET_WAYS_CANCELLING)
                if how == "get":
                    got.append(await rx.get())
                elif how == "wait_for":
                    with contextlib.suppress(asyncio.TimeoutError):
                        got.append(await asyncio.wait_for(rx.get(), r.choice(TIMEOUTS)))
                elif how == "nowait":
                    try:
                        got.append(rx.get_nowait())
                    except ChannelEmpty:
                        await asyncio.sleep(0)
                elif how == "cancel":
                    ok, item = await in_cancelled_task(rx.get, r, record)
                    if ok:
                        assert item is not None
                        got.append(item)
                else:
                    async for item in rx:
                        got.append(item)
                        if r.random() < 0.2:
                            break
                    else:
                        return
        except ChannelClosed as exc:  # closed and drained: the end, or a failed stream
            causes.append(exc.__cause__)
            return
        rx.hang_up()

    tasks = [asyncio.ensure_future(produce(p, ch.sender.clone())) for p in range(producers)]
    tasks += [
        asyncio.ensure_future(consume(c, ch.receiver.clone(), stays=c == 0))
        for c in range(consumers)
    ]
    ch.close()
    ch.hang_up()
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), HANG_SECONDS)
    except asyncio.TimeoutError:
        raise AssertionError(f"seed {seed}: hung; {waiters_left(ch)}") from None
    assert all(task.done() for task in record.subtasks), "a cancelled operation never ended"
    for cause in causes:  # a failed stream ends with its error; a finished one without
        assert cause is None or (failing >= 0 and isinstance(cause, ValueError)), repr(cause)
    received = [item for got in record.received.values() for item in got]
    sent, got = Counter(record.sent), Counter(received)
    assert sent == got, (
        f"seed {seed}: lost {sorted((sent - got).elements())}, "
        f"extra {sorted((got - sent).elements())}"
    )
    st = ch.statistics()
    assert (st.closed, st.open_senders, st.qsize) == (True, 0, 0), st
    assert (st.waiting_putters, st.waiting_getters) == (0, 0), st
    s = ch._s  # pyright: ignore[reportPrivateUsage]
    assert (s.reserved, s.granted) == (0, 0), waiters_left(ch)


# -- select, merge and get_many racing everything -----------------------------------------------


async def run_composition(seed: int, cancel_gets: bool = True) -> None:
    """Producers put into several channels (every way, with cancellations) and close them;
    consumers take with ``select`` over the channels, from a shared ``merge`` of them, with
    ``get_many``, each wrapped in timeouts or cancelled tasks (``cancel_gets``), and some leave
    early through a receive clone they hang up. The multiset received is exactly the multiset
    whose put returned; with one consumer and no cancelled gets, each producer's items arrive
    in order."""
    rng = random.Random(f"{seed}/composition")
    chans = [Channel[Item](rng.choice((0, 1, 2, 4))) for _ in range(rng.randint(2, 4))]
    merged = merge(*chans)
    record = Record()
    consumers = 1 if not cancel_gets else rng.randint(1, 4)

    async def produce(who: int, ch: Channel[Item]) -> None:
        r = random.Random(f"{seed}/p{who}")
        for seq in range(r.randint(5, 60)):
            item = (who, seq)
            how = r.choice(PUT_WAYS)
            ok = True
            if how == "put":
                await ch.put(item)
            elif how == "wait_for":
                try:
                    await asyncio.wait_for(ch.put(item), r.choice(TIMEOUTS))
                except asyncio.TimeoutError:
                    ok = False
            elif how == "nowait":
                try:
                    ch.put_nowait(item)
                except ChannelFull:
                    ok = False
                    await asyncio.sleep(0)
            else:
                ok, _ = await in_cancelled_task(partial(ch.put, item), r, record)
            (record.sent if ok else record.refused).append(item)
        ch.close()

    async def one_batch(r: random.Random, live: list[ReceiveChannel[Item]]) -> list[Item]:
        """Take some items, one of the ways; [] if the chosen end was closed and drained."""
        how = r.random()
        if how < 0.4:
            sel = await select(*live)
            if sel.closed:
                live.remove(sel.channel)
                return []
            return [sel.item]
        if how < 0.7:
            return list(await merged.get_many(r.randint(1, 4)))
        end = r.choice(live)
        try:
            return list(await end.get_many(r.randint(1, 4)))
        except ChannelClosed:
            live.remove(end)
            return []

    async def consume(who: int) -> None:
        r = random.Random(f"{seed}/c{who}")
        got = record.received[who] = []
        live: list[ReceiveChannel[Item]] = [ch.receiver for ch in chans]
        while live:
            try:
                if not cancel_gets or r.random() < 0.4:
                    got.extend(await one_batch(r, live))
                elif r.random() < 0.5:
                    with contextlib.suppress(asyncio.TimeoutError):
                        got.extend(await asyncio.wait_for(one_batch(r, live), r.choice(TIMEOUTS)))
                else:
                    ok, batch = await in_cancelled_task(partial(one_batch, r, live), r, record)
                    if ok:
                        assert batch is not None
                        got.extend(batch)
            except ChannelClosed:  # the merged end: every channel is closed and drained
                return

    producers = [asyncio.ensure_future(produce(p, ch)) for p, ch in enumerate(chans)]
    tasks = [asyncio.ensure_future(consume(c)) for c in range(consumers)]
    try:
        await asyncio.wait_for(asyncio.gather(*producers, *tasks), HANG_SECONDS)
    except asyncio.TimeoutError:
        raise AssertionError(f"seed {seed}: hung; {[waiters_left(ch) for ch in chans]}") from None
    assert all(task.done() for task in record.subtasks), "a cancelled operation never ended"
    # Consumers end only once every channel is closed and drained (nothing promised either).
    assert all(ch.qsize() == 0 for ch in chans), [list(ch) for ch in chans]
    received = [item for got in record.received.values() for item in got]
    sent, got = Counter(record.sent), Counter(received)
    assert sent == got, (
        f"seed {seed}: lost {sorted((sent - got).elements())}, "
        f"extra {sorted((got - sent).elements())}"
    )
    if not cancel_gets:
        for items in record.received.values():
            last: dict[int, int] = {}
            for p, q in items:
                assert q > last.get(p, -1), f"seed {seed}: {(p, q)} after {(p, last[p])}"
                last[p] = q
    for ch in chans:
        s = ch._s  # pyright: ignore[reportPrivateUsage]
        assert (s.reserved, s.granted) == (0, 0), waiters_left(ch)
