"""Event loops: a channel needs none to be made, may be used from one loop after another, refuses
a wait from a second loop while tasks of another wait on it, and can be fed from a thread.

These tests drive loops themselves, so each runs once per loop kind (and once per pair of kinds
where two loops meet)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import TypeVar

import pytest
import uvloop

from aiochannel import Channel, ChannelClosed

LoopFactory = Callable[[], asyncio.AbstractEventLoop]
T = TypeVar("T")

LOOPS: dict[str, LoopFactory] = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}
IN_USE = (
    "^channel is in use by tasks of another event loop: "
    "a channel can only be waited on from one loop at a time$"
)

IN_OTHER_THREAD = (
    "^channel is in use by tasks of an event loop in another thread: a channel is not "
    r"thread-safe; hand the call to the loop's thread with loop\.call_soon_threadsafe\(\.\.\.\), "
    r"or asyncio\.run_coroutine_threadsafe\(\.\.\.\) for a call that waits$"
)

GUARD = 10.0  # seconds

# Made at import time, with no event loop anywhere.
MODULE_CHANNEL: Channel[str] = Channel(1)


def run(kind: str, main: Coroutine[object, object, T]) -> T:
    """``asyncio.run(main)`` on a loop of this kind; a wait that never ends fails after GUARD."""
    guarded = asyncio.wait_for(main, GUARD)
    if kind == "asyncio":
        return asyncio.run(guarded)
    return uvloop.run(guarded)


def finish(loop: asyncio.AbstractEventLoop, aw: Awaitable[T]) -> T:
    """Run ``loop`` until ``aw`` is done; a wait that never ends fails after GUARD."""
    return loop.run_until_complete(asyncio.wait_for(aw, GUARD))


def waiters(ch: Channel[int] | Channel[str]) -> tuple[int, int, int, int, int]:
    """(getters, putters, joiners, reserved, granted) from the private state."""
    s = ch._s  # pyright: ignore[reportPrivateUsage]
    return (len(s.getters or ()), len(s.putters or ()), len(s.joiners or ()), s.reserved, s.granted)


@pytest.fixture(params=list(LOOPS))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=[(a, b) for a in LOOPS for b in LOOPS], ids=lambda p: f"{p[0]}-{p[1]}")
def two_loops(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop]]:
    first, second = request.param
    a, b = LOOPS[first](), LOOPS[second]()
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def test_channel_made_before_asyncio_run_serves_two_runs(kind: str) -> None:
    ch: Channel[int] = Channel(1)

    async def first() -> list[int]:
        # Waits of every kind in this run: a getter, a putter, and a joiner of another channel.
        getter = asyncio.ensure_future(ch.get())
        await asyncio.sleep(0)
        await ch.put(1)  # to the waiting getter
        await ch.put(2)  # fills the channel
        putter = asyncio.ensure_future(ch.put(3))  # must wait for room
        await asyncio.sleep(0)
        assert waiters(ch)[1] == 1
        got = [await getter, await ch.get()]
        await putter
        return got

    async def second() -> list[int]:
        # The item left over from the first run, then waits on this loop.
        got = [await ch.get()]
        getter = asyncio.ensure_future(ch.get())
        joiner = asyncio.ensure_future(ch.join())
        await asyncio.sleep(0)
        assert waiters(ch)[:3] == (1, 0, 1)
        ch.put_nowait(4)
        got.append(await getter)
        ch.close()
        await joiner
        return got

    assert run(kind, first()) == [1, 2]
    assert list(ch) == [3]
    assert run(kind, second()) == [3, 4]
    assert waiters(ch) == (0, 0, 0, 0, 0)


def test_module_level_channel_across_runs(kind: str) -> None:
    async def produce() -> None:
        await MODULE_CHANNEL.put("a")
        waiting = asyncio.ensure_future(MODULE_CHANNEL.put("b"))
        await asyncio.sleep(0)
        assert MODULE_CHANNEL.get_nowait() == "a"
        await waiting

    async def consume() -> str:
        return await MODULE_CHANNEL.get()

    run(kind, produce())
    assert run(kind, consume()) == "b"
    assert waiters(MODULE_CHANNEL) == (0, 0, 0, 0, 0)


def test_wait_from_a_second_loop_while_the_first_waits(
    two_loops: tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop],
) -> None:
    a, b = two_loops
    ch: Channel[int] = Channel(1)
    full: Channel[int] = Channel(1)
    full.put_nowait(0)
    getter = a.create_task(ch.get())
    putter = a.create_task(full.put(1))
    joiner = a.create_task(full.join())
    a.run_until_complete(asyncio.sleep(0))
    assert waiters(ch) == (1, 0, 0, 0, 0)
    assert waiters(full) == (0, 1, 1, 0, 0)

    # Every wait from loop b is refused, and leaves the channel as it was.
    for op in (ch.get, ch.receiver.get, ch.join, lambda: full.put(2), lambda: full.sender.put(2)):
        with pytest.raises(RuntimeError, match=IN_USE):
            b.run_until_complete(asyncio.wait_for(op(), 1))

    async def iterate() -> list[int]:
        return [item async for item in ch]

    with pytest.raises(RuntimeError, match=IN_USE):
        b.run_until_complete(asyncio.wait_for(iterate(), 1))
    assert waiters(ch) == (1, 0, 0, 0, 0)
    assert waiters(full) == (0, 1, 1, 0, 0)

    # What does not wait works from loop b: it serves loop a's waiters.
    async def serve() -> int:
        await ch.put(5)  # promised to loop a's getter
        return full.get_nowait()  # grants loop a's putter its slot

    assert finish(b, serve()) == 0
    assert finish(a, getter) == 5
    finish(a, putter)
    assert list(full) == [1]

    # Once loop a's tasks no longer wait on ch, loop b may wait on it.
    async def wait_on_b() -> int:
        later = asyncio.ensure_future(ch.get())
        await asyncio.sleep(0)
        ch.put_nowait(6)
        return await later

    assert finish(b, wait_on_b()) == 6
    # full still has loop a's joiner waiting: still refused from b.
    with pytest.raises(RuntimeError, match=IN_USE):
        b.run_until_complete(asyncio.wait_for(full.put(3), 1))
    full.close()
    assert full.get_nowait() == 1
    finish(a, joiner)
    assert waiters(ch) == (0, 0, 0, 0, 0)
    assert waiters(full) == (0, 0, 0, 0, 0)


def test_promised_item_still_binds_the_loop(
    two_loops: tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop],
) -> None:
    """A getter woken with an item but not yet resumed still counts as waiting."""
    a, b = two_loops
    ch: Channel[int] = Channel()
    getter = a.create_task(ch.get())
    a.run_until_complete(asyncio.sleep(0))
    ch.put_nowait(1)  # promised; getter resumes on loop a's next iteration
    assert waiters(ch) == (0, 0, 0, 1, 0)
    with pytest.raises(RuntimeError, match=IN_USE):
        b.run_until_complete(asyncio.wait_for(ch.get(), 1))
    assert finish(a, getter) == 1
    assert waiters(ch) == (0, 0, 0, 0, 0)


def test_wait_from_a_loop_in_another_thread_is_refused(kind: str) -> None:
    ch: Channel[int] = Channel()
    loop = LOOPS[kind]()
    waiting = threading.Event()
    result: list[object] = []

    async def wait_in_thread() -> int:
        getter = asyncio.ensure_future(ch.get())
        await asyncio.sleep(0)
        waiting.set()
        return await asyncio.wait_for(getter, 10)

    def thread_main() -> None:
        try:
            result.append(loop.run_until_complete(wait_in_thread()))
        except BaseException as exc:  # reported by the main thread
            result.append(exc)
        finally:
            loop.close()

    thread = threading.Thread(target=thread_main)
    thread.start()
    try:
        assert waiting.wait(10)
        for other in LOOPS:
            # Issue 14: the message names the fix (it said "another event loop" before).
            with pytest.raises(RuntimeError, match=IN_OTHER_THREAD):
                run(other, asyncio.wait_for(ch.get(), 1))
    finally:
        loop.call_soon_threadsafe(ch.put_nowait, 7)
        thread.join(10)
    assert not thread.is_alive()
    assert result == [7]


@pytest.mark.parametrize("maxsize", [0, 1, 16])
def test_feeding_a_channel_from_a_thread(kind: str, maxsize: int) -> None:
    """The documented pattern for an unbounded channel, ``loop.call_soon_threadsafe(ch.put_nowait,
    item)``, and, for a bounded one, ``asyncio.run_coroutine_threadsafe(ch.put(item), loop)``."""
    ch: Channel[int] = Channel(maxsize)
    count = 2000

    def feed(loop: asyncio.AbstractEventLoop) -> None:
        for i in range(count):
            if maxsize == 0:
                loop.call_soon_threadsafe(ch.put_nowait, i)
            else:
                asyncio.run_coroutine_threadsafe(ch.put(i), loop).result(10)
        loop.call_soon_threadsafe(ch.close)

    async def main() -> list[int]:
        loop = asyncio.get_running_loop()
        thread = threading.Thread(target=feed, args=(loop,))
        thread.start()
        try:
            return await asyncio.wait_for(collect(), 30)
        finally:
            await loop.run_in_executor(None, thread.join, 10)

    async def collect() -> list[int]:
        return [item async for item in ch]

    assert run(kind, main()) == list(range(count))
    with pytest.raises(ChannelClosed):
        ch.get_nowait()
