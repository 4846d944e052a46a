"""No leaks: timed-out and cancelled waits leave nothing behind, and a dropped channel is freed.

aiochannel 1.x kept every cancelled waiter's future: memory grew with each timeout.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tracemalloc
import weakref
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

import pytest

from aiochannel import Channel

TIMEOUTS = 100_000  # timed-out calls per test, half get and half put
WARMUP = 5_000
TRACED = 20_000  # of which traced by tracemalloc
T = TypeVar("T")
GROWTH_LIMIT = 64 * 1024  # bytes of traced memory the timed-out calls may leave behind


def waiters(ch: Channel[int]) -> tuple[int, int, int, int, int]:
    """(getters, putters, joiners, reserved, granted) from the private state."""
    s = ch._s  # pyright: ignore[reportPrivateUsage]
    return (len(s.getters or ()), len(s.putters or ()), len(s.joiners or ()), s.reserved, s.granted)


async def time_out_after_one_iteration(op: Callable[[], Awaitable[object]]) -> None:
    """Start ``op()``, which must wait, and time it out once the loop has run an iteration.

    This is what ``asyncio.timeout(0)`` does (a ``call_soon`` that cancels the task); spelled out,
    it costs a few microseconds, and waits for real on every Python (``asyncio.wait_for(op, 0)``
    on 3.10 and 3.11 cancels ``op`` before it starts).
    """
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().call_soon(task.cancel)
    try:
        await op()
    except asyncio.CancelledError:
        if sys.version_info >= (3, 11):
            task.uncancel()
    else:
        raise AssertionError("the operation did not wait")


async def test_timed_out_gets_and_puts_leave_no_waiters_and_no_memory() -> None:
    empty: Channel[int] = Channel(1)
    full: Channel[int] = Channel(1)
    full.put_nowait(42)
    get_empty = empty.get

    async def timeouts(n: int) -> None:
        for i in range(n):
            if i % 2:
                await time_out_after_one_iteration(get_empty)
                assert not empty._s.getters  # pyright: ignore[reportPrivateUsage]
            else:
                await time_out_after_one_iteration(partial(full.put, i))
                assert not full._s.putters  # pyright: ignore[reportPrivateUsage]

    await timeouts(WARMUP)
    gc.collect()
    blocks = sys.getallocatedblocks()
    # Traced memory over a stretch of the calls (tracing makes each call several times slower).
    tracemalloc.start()
    try:
        await timeouts(TRACED // 10)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        await timeouts(TRACED)
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert growth < GROWTH_LIMIT, f"traced memory grew by {growth} bytes over {TRACED} timeouts"
    await timeouts(TIMEOUTS - WARMUP - TRACED - TRACED // 10)
    gc.collect()
    # And over all of them, in memory blocks (a leaked future per call would be tens of
    # thousands).
    assert sys.getallocatedblocks() - blocks < 2000
    assert waiters(empty) == (0, 0, 0, 0, 0)
    assert waiters(full) == (0, 0, 0, 0, 0)
    # Nothing was added or taken by the calls that timed out, and the channels still work.
    assert (empty.qsize(), list(full)) == (0, [42])
    waiting = asyncio.ensure_future(empty.get())
    await asyncio.sleep(0)
    empty.put_nowait(5)
    assert await asyncio.wait_for(waiting, 5) == 5
    assert full.get_nowait() == 42


async def test_timeouts_through_wait_for_leave_no_waiters() -> None:
    """The same with ``asyncio.wait_for``, with a real timer (fewer: each costs more)."""
    empty: Channel[int] = Channel()
    full: Channel[int] = Channel(1)
    full.put_nowait(0)
    for timeout in (0.0, 1e-6):
        for i in range(1000):
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(empty.receiver.get(), timeout)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(full.sender.put(i), timeout)
    assert waiters(empty) == (0, 0, 0, 0, 0)
    assert waiters(full) == (0, 0, 0, 0, 0)
    assert list(full) == [0]


async def test_cancelled_joins_leave_no_joiners() -> None:
    ch: Channel[int] = Channel()
    for _ in range(1000):
        await time_out_after_one_iteration(ch.join)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(5000):
            await time_out_after_one_iteration(ch.join)
            assert not ch._s.joiners  # pyright: ignore[reportPrivateUsage]
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert growth < GROWTH_LIMIT, f"traced memory grew by {growth} bytes"
    assert waiters(ch) == (0, 0, 0, 0, 0)


async def test_cancelled_waiters_leave_the_queue_on_the_next_iteration() -> None:
    """Many waiters cancelled at once are all gone one loop iteration later."""
    ch: Channel[int] = Channel(1)
    getters = [asyncio.ensure_future(ch.get()) for _ in range(1000)]
    await asyncio.sleep(0)
    assert waiters(ch)[0] == 1000
    for task in getters:
        task.cancel()
    await asyncio.sleep(0)
    assert waiters(ch) == (0, 0, 0, 0, 0)
    assert all(task.cancelled() for task in getters)


def _collected(ref: weakref.ref[Channel[int]]) -> bool:
    gc.collect()
    return ref() is None


async def ended(tasks: list[asyncio.Task[T]]) -> list[T | str]:
    """Wait for ``tasks`` to end; their results, or their exceptions' type names.

    (``asyncio.wait``, not ``gather``: a gather's cancelled children stay referenced after it
    returned on some Pythons, which would keep their frames, and so the channel, alive.)
    """
    await asyncio.wait_for(asyncio.wait(tasks), 5)
    out: list[T | str] = []
    for task in tasks:
        if task.cancelled():
            out.append("CancelledError")
        elif (exc := task.exception()) is not None:
            out.append(type(exc).__name__)
        else:
            out.append(task.result())
    return out


@pytest.mark.parametrize("ending", ["cancelled", "closed", "served"])
async def test_dropped_channel_is_collected_once_its_waiters_end(ending: str) -> None:
    ch: Channel[int] = Channel(1)
    ref = weakref.ref(ch)
    task: asyncio.Task[object] | None = None
    # A view is its channel's own handle (issue 15): it keeps the channel alive, so it is
    # dropped too before the check (before issue 15 it held only the shared state).
    tx = ch.sender
    getters = [asyncio.ensure_future(ch.get()) for _ in range(5)]
    joiners = [asyncio.ensure_future(ch.join()) for _ in range(2)]
    await asyncio.sleep(0)
    del ch
    assert not _collected(ref), "collected while tasks still wait on it"
    if ending == "cancelled":
        for task in getters + joiners:
            task.cancel()
    elif ending == "closed":
        tx.close()
    else:
        for i in range(5):
            tx.put_nowait(i)
        tx.close()
    results = (await ended(getters), await ended(joiners))
    if ending == "cancelled":
        assert results == (["CancelledError"] * 5, ["CancelledError"] * 2)
    elif ending == "closed":
        assert results == (["ChannelClosed"] * 5, [None, None])
    else:
        assert results == ([0, 1, 2, 3, 4], [None, None])
    assert tx.closed() is (ending != "cancelled")
    del getters, joiners, task  # a cancelled task's exception holds its frames, and so the channel
    del tx
    assert _collected(ref), "still alive after every task waiting on it ended"


async def test_dropped_full_channel_with_waiting_putters_is_collected() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(100)
    ref = weakref.ref(ch)
    putters = [asyncio.ensure_future(ch.put(i)) for i in range(5)]
    task = putters[0]
    await asyncio.sleep(0)
    rx = ch.receiver
    del ch
    assert not _collected(ref), "collected while tasks still wait on it"
    assert rx.get_nowait() == 100  # grants putters[0] a slot
    await asyncio.sleep(0)
    for task in putters:
        task.cancel()
    assert await ended(putters) == [None] + ["CancelledError"] * 4
    assert rx.get_nowait() == 0
    del putters, task, rx  # the view keeps its channel alive (issue 15)
    assert _collected(ref), "still alive after every task waiting on it ended"
