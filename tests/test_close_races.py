"""close() racing with everything that can wait: after close every waiter has finished, as
documented, and nothing was lost."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Iterable, Sequence
from typing import TypeVar

import pytest
from _support import settle

from aiochannel import Channel, ChannelClosed, ChannelEmpty, ReceiveChannel

CLOSED = "channel is closed"
GUARD = 10.0  # seconds: a waiter that never wakes fails the test instead of hanging it
T = TypeVar("T")


def spawn(aws: Iterable[Awaitable[T]]) -> list[asyncio.Future[T]]:
    return [asyncio.ensure_future(aw) for aw in aws]


async def outcomes(tasks: Sequence[asyncio.Future[T]]) -> list[T | str]:
    """Each task's result, or a string naming its exception; every task must end."""
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), GUARD)
    return [f"{type(r).__name__}: {r}" if isinstance(r, BaseException) else r for r in results]


async def results(tasks: Sequence[asyncio.Future[T]]) -> list[T]:
    """Each task's result; every task must end, and none may raise."""
    return list(await asyncio.wait_for(asyncio.gather(*tasks), GUARD))


def waiters(ch: Channel[int]) -> tuple[int, int, int, int, int]:
    """(getters, putters, joiners, reserved, granted) from the private state."""
    s = ch._s  # pyright: ignore[reportPrivateUsage]
    return (len(s.getters or ()), len(s.putters or ()), len(s.joiners or ()), s.reserved, s.granted)


async def collect(rx: ReceiveChannel[int]) -> list[int]:
    return [item async for item in rx]


async def test_close_with_many_waiting_putters_and_joiners() -> None:
    ch: Channel[int] = Channel(2)
    ch.put_nowait(0)
    ch.put_nowait(1)
    putters = spawn(ch.put(i) for i in range(100, 150))
    joiners = spawn(ch.join() for _ in range(3))
    await settle()
    assert not any(t.done() for t in putters + joiners)
    ch.close()
    ch.close()  # idempotent, also with waiters
    assert await outcomes(putters) == [f"ChannelClosed: {CLOSED}"] * 50
    # Buffered items stay; join waits for them to be drained.
    assert list(ch) == [0, 1]
    await settle()
    assert not any(t.done() for t in joiners)
    assert [ch.get_nowait(), await ch.get()] == [0, 1]
    assert await outcomes(joiners) == [None] * 3
    with pytest.raises(ChannelClosed, match=f"^{CLOSED}$"):
        await ch.get()
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_close_while_putters_and_getters_wait_at_once() -> None:
    """Putters and getters wait together only around a hand-over: a getter took the last item
    and granted its slot to the oldest putter, which has not resumed yet, while later getters
    found nothing and wait."""
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    putters = spawn(ch.put(i) for i in range(1, 21))
    await settle()
    getters = spawn(ch.get() for _ in range(20))
    joiners = spawn(ch.join() for _ in range(2))
    await asyncio.sleep(0)  # the getters run once: the first takes 0, the others wait
    assert waiters(ch) == (19, 19, 2, 0, 1)
    ch.close()
    assert await outcomes(putters) == [f"ChannelClosed: {CLOSED}"] * 20
    assert await outcomes(getters) == [0] + [f"ChannelClosed: {CLOSED}"] * 19
    assert await outcomes(joiners) == [None] * 2
    assert list(ch) == []
    assert waiters(ch) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("via", ["call_soon", "direct", "sender"])
async def test_close_with_many_waiting_getters_and_iterators(via: str) -> None:
    ch: Channel[int] = Channel()
    getters = spawn(ch.receiver.get() for _ in range(30))
    iterators = spawn(collect(ch if i % 2 else ch.receiver) for i in range(10))
    joiners = spawn(ch.join() for _ in range(3))
    await settle()
    assert waiters(ch)[:3] == (40, 0, 3)
    if via == "call_soon":
        asyncio.get_running_loop().call_soon(ch.close)
    elif via == "direct":
        ch.close()
    else:
        ch.sender.close()
    assert await outcomes(getters) == [f"ChannelClosed: {CLOSED}"] * 30
    assert await outcomes(iterators) == [[]] * 10
    assert await outcomes(joiners) == [None] * 3
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_close_after_items_promised_but_before_getters_resume() -> None:
    ch: Channel[int] = Channel(1)
    getters = spawn(ch.get() for _ in range(10))
    joiner = spawn([ch.join()])
    await settle()
    for i in range(4):
        ch.put_nowait(i)  # each is promised at once to the oldest waiting getter
    assert ch.qsize() == 0
    ch.close()  # the four promised getters still get their items; the rest are refused
    assert ch.qsize() == 0
    assert not joiner[0].done()
    assert await outcomes(getters) == [0, 1, 2, 3] + [f"ChannelClosed: {CLOSED}"] * 6
    assert await outcomes(joiner) == [None]
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_close_after_slots_granted_but_before_putters_resume() -> None:
    ch: Channel[int] = Channel(2)
    ch.put_nowait(0)
    ch.put_nowait(1)
    putters = spawn(ch.put(i) for i in range(10, 15))
    await settle()
    assert [ch.get_nowait(), ch.get_nowait()] == [0, 1]  # grants the two oldest putters a slot
    assert ch.full()  # the granted slots are theirs
    ch.close()
    assert await outcomes(putters) == [f"ChannelClosed: {CLOSED}"] * 5
    assert list(ch) == []
    assert not ch.full()
    await asyncio.wait_for(ch.join(), GUARD)
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_cancel_then_close_before_the_waiters_resume() -> None:
    """Cancellation wins over a close that comes after it, for every kind of waiter."""
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    putters = spawn(ch.put(i) for i in range(1, 4))
    await settle()
    ch2: Channel[int] = Channel(1)
    getters = spawn(ch2.get() for _ in range(3))
    joiners = spawn(ch2.join() for _ in range(2))
    await settle()
    for task in (putters[1], getters[0], joiners[0]):
        task.cancel()
    ch.close()
    ch2.close()
    assert await outcomes(putters) == [
        f"ChannelClosed: {CLOSED}",
        "CancelledError: ",
        f"ChannelClosed: {CLOSED}",
    ]
    assert await outcomes(getters) == ["CancelledError: "] + [f"ChannelClosed: {CLOSED}"] * 2
    assert await outcomes(joiners) == ["CancelledError: ", None]
    assert list(ch) == [0]
    assert waiters(ch) == (0, 0, 0, 0, 0)
    assert waiters(ch2) == (0, 0, 0, 0, 0)


async def test_cancel_a_promised_getter_after_close_passes_its_item_on() -> None:
    """Issue 14: a promised item may still come back after close(), so as many of the oldest
    getters as there are promises keep waiting (here one), and the returned item goes to it.
    (Before, every other getter was refused and the item was stranded in a closed channel.)"""
    ch: Channel[int] = Channel()
    getters = spawn(ch.get() for _ in range(3))
    await settle()
    ch.put_nowait(7)  # promised to getters[0]
    ch.close()  # getters[2] refused at once; getters[1] keeps waiting
    assert waiters(ch) == (1, 0, 0, 1, 0)
    with pytest.raises(ChannelEmpty, match=r"^channel is empty$"):
        ch.get_nowait()  # not "closed": the promised item may still come back
    getters[0].cancel()  # before it resumes: the promise passes to getters[1]
    assert await outcomes(getters) == ["CancelledError: ", 7, f"ChannelClosed: {CLOSED}"]
    assert ch.qsize() == 0
    await asyncio.wait_for(ch.join(), GUARD)
    with pytest.raises(ChannelClosed, match=f"^{CLOSED}$"):
        ch.get_nowait()
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_workers_after_close_with_a_cancelled_promise() -> None:
    """The issue's reproduction: three ``async for`` workers wait; 7 is promised to worker 0;
    close; worker 0 is cancelled before it resumes. Worker 1 gets 7, every worker ends, and
    join() returns (before the fix, 7 was stranded and join() never returned)."""
    ch: Channel[int] = Channel()
    workers = spawn(collect(ch) for _ in range(3))
    joiner = spawn([ch.join()])
    await settle()
    ch.put_nowait(7)
    ch.close()
    workers[0].cancel()
    assert await outcomes(workers) == ["CancelledError: ", [7], []]
    assert await outcomes(joiner) == [None]
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_getters_after_close_wait_while_a_promise_is_outstanding() -> None:
    """Closed and drained means closed, nothing available and nothing promised, for get(),
    get_nowait(), async for and join() alike. A getter kept waiting is told "closed" once the
    last promise is settled."""
    ch: Channel[int] = Channel()
    getters = spawn(ch.get() for _ in range(2))
    await settle()
    ch.put_nowait(1)
    ch.put_nowait(2)  # both promised
    ch.close()
    assert ch.closed()
    late = spawn([ch.get(), collect(ch.receiver), ch.join()])
    await asyncio.sleep(0)  # the promised getters resume and take their items
    assert await outcomes(getters) == [1, 2]
    assert await outcomes(late) == [f"ChannelClosed: {CLOSED}", [], None]
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_a_cancelled_promise_after_close_with_nobody_waiting_goes_back() -> None:
    ch: Channel[int] = Channel()
    getter = spawn([ch.get()])
    await settle()
    ch.put_nowait(7)
    ch.close()
    getter[0].cancel()
    assert await outcomes(getter) == ["CancelledError: "]
    assert list(ch) == [7]  # back for anyone: not drained yet
    joiner = spawn([ch.join()])
    await settle()
    assert not joiner[0].done()
    assert [item async for item in ch] == [7]
    assert await outcomes(joiner) == [None]


async def test_consumer_closes_while_others_wait() -> None:
    """Consumers close the channel on a sentinel, while other consumers wait for items and
    producers wait for room."""
    ch: Channel[int] = Channel(1)

    async def consumer() -> list[int]:
        got: list[int] = []
        async for item in ch:
            if item < 0:
                ch.close()
            else:
                got.append(item)
        return got

    consumers = spawn(consumer() for _ in range(4))
    await settle()
    items = (1, 2, -1, 3, 4, 5, 6, 7)
    put_outcomes = await outcomes(spawn(ch.put(i) for i in items))
    received = sorted(i for part in await results(consumers) for i in part)
    sent = sorted(i for i, r in zip(items, put_outcomes, strict=True) if r is None)
    assert -1 in sent
    sent.remove(-1)
    assert received == sent
    assert set(put_outcomes) <= {None, f"ChannelClosed: {CLOSED}"}
    assert f"ChannelClosed: {CLOSED}" in put_outcomes  # not everything fit before the close
    assert waiters(ch) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("maxsize", [0, 1, 3])
@pytest.mark.parametrize("seed", range(4))
async def test_close_from_a_callback_during_traffic(maxsize: int, seed: int) -> None:
    """Producers put, consumers iterate, joiners wait; a loop callback closes the channel at a
    random moment. Every task ends; what was received is exactly what was put."""
    rng = random.Random(seed)
    ch: Channel[int] = Channel(maxsize)
    sent: list[int] = []
    refused: list[int] = []

    async def producer(base: int) -> None:
        for i in range(base, base + 1000):
            try:
                await ch.put(i)
            except ChannelClosed:
                refused.append(i)
                return
            sent.append(i)
            if rng.random() < 0.5:
                await asyncio.sleep(0)

    async def consumer() -> list[int]:
        got: list[int] = []
        async for item in ch.receiver:
            got.append(item)
            if rng.random() < 0.3:
                await asyncio.sleep(0)
        return got

    loop = asyncio.get_running_loop()
    producers = spawn(producer(p * 10_000) for p in range(3))
    consumers = spawn(consumer() for _ in range(3))
    joiners = spawn(ch.join() for _ in range(2))

    def countdown(left: int) -> None:
        if left:
            loop.call_soon(countdown, left - 1)
        else:
            ch.close()

    loop.call_soon(countdown, rng.randrange(50))
    assert await results(producers) == [None] * 3
    received = await results(consumers)
    assert await results(joiners) == [None] * 2
    got = [item for part in received for item in part]
    assert Counter(got) == Counter(sent)
    assert len(refused) == 3  # every producer was stopped by the close
    assert not set(refused) & set(got)
    for part in received:  # each consumer sees each producer's items in order
        for p in range(3):
            mine = [i for i in part if p * 10_000 <= i < (p + 1) * 10_000]
            assert mine == sorted(mine)
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_a_kept_getter_cancelled_after_close_is_passed_over() -> None:
    ch: Channel[int] = Channel()
    getters = spawn(ch.get() for _ in range(3))
    await settle()
    ch.put_nowait(1)
    ch.put_nowait(2)  # promised to getters[0] and [1]
    ch.close()  # getters[2] keeps waiting, for a promise that may come back
    getters[2].cancel()
    assert await outcomes(getters) == [1, 2, "CancelledError: "]
    assert waiters(ch) == (0, 0, 0, 0, 0)
    await asyncio.wait_for(ch.join(), GUARD)
