"""Construction, the basic operations, the queries, iteration, repr/str and event loops."""

from __future__ import annotations

import asyncio
import enum
import re
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable, Coroutine

import pytest
import uvloop
from _support import settle

from aiochannel import Channel, ChannelEmpty, ChannelFull

LoopFactory = Callable[[], asyncio.AbstractEventLoop]
LOOP_FACTORIES = [
    pytest.param(asyncio.new_event_loop, id="asyncio"),
    pytest.param(uvloop.new_event_loop, id="uvloop"),
]


def run_in(loop: asyncio.AbstractEventLoop, coro: Coroutine[object, object, object]) -> object:
    return loop.run_until_complete(coro)


# -- construction -------------------------------------------------------------------------------


def test_default_is_unbounded() -> None:
    ch: Channel[int] = Channel()
    assert ch.maxsize == 0
    for i in range(10_000):
        ch.put_nowait(i)
    assert not ch.full()
    assert ch.qsize() == 10_000


@pytest.mark.parametrize("maxsize", [0, 1, 7, 2**40])
def test_maxsize_is_kept(maxsize: int) -> None:
    ch: Channel[int] = Channel(maxsize)
    assert ch.maxsize == maxsize
    ch2: Channel[int] = Channel(maxsize=maxsize)
    assert ch2.maxsize == maxsize


# The messages of bad maxsize values are checked in test_messages.py.


class Size(enum.IntEnum):
    SMALL = 2


def test_int_subclass_is_accepted_as_plain_int() -> None:
    ch: Channel[int] = Channel(Size.SMALL)
    assert ch.maxsize == 2
    assert type(ch.maxsize) is int
    assert repr(ch).endswith("maxsize=2 qsize=0>")


def test_loop_keyword_is_deprecated_and_ignored() -> None:
    loop = asyncio.new_event_loop()
    try:
        with pytest.warns(DeprecationWarning, match=r"^Channel\(loop=") as record:
            ch: Channel[int] = Channel(2, loop=loop)  # type: ignore[deprecated]  # pyright: ignore[reportDeprecated]
    finally:
        loop.close()
    assert len(record) == 1
    assert str(record[0].message) == (
        "Channel(loop=...) is deprecated and ignored: a channel binds to the running loop when used"
    )
    assert record[0].filename == __file__  # points at the caller
    assert ch.maxsize == 2

    async def use() -> int:
        await ch.put(5)
        return await ch.get()

    # Usable on an unrelated loop: the argument was ignored.
    assert asyncio.run(use()) == 5


def test_loop_none_is_deprecated_too() -> None:
    with pytest.warns(DeprecationWarning, match=r"^Channel\(loop=\.\.\.\) is deprecated"):
        Channel(loop=None)  # type: ignore[deprecated]  # pyright: ignore[reportDeprecated]


def test_bad_maxsize_is_checked_before_loop_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"got -1$"):
            Channel(-1, loop=None)  # type: ignore[deprecated]  # pyright: ignore[reportDeprecated]


def test_construct_without_a_loop_and_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeError):
            asyncio.get_running_loop()
        ch: Channel[str] = Channel(1)
        _ = ch.sender, ch.receiver
        ch.put_nowait("x")
        assert ch.get_nowait() == "x"


def test_construction_never_looks_up_an_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden() -> asyncio.AbstractEventLoop:
        raise AssertionError("get_event_loop() called")

    monkeypatch.setattr(asyncio, "get_event_loop", forbidden)
    monkeypatch.setattr(asyncio.events, "get_event_loop", forbidden)
    ch: Channel[int] = Channel(3)
    assert (ch.sender.maxsize, ch.receiver.maxsize) == (3, 3)
    ch.put_nowait(1)
    assert list(ch) == [1]
    ch.close()
    assert ch.get_nowait() == 1


# -- put / get ----------------------------------------------------------------------------------


async def test_fifo_nowait() -> None:
    ch: Channel[int] = Channel()
    for i in range(100):
        ch.put_nowait(i)
    assert [ch.get_nowait() for _ in range(100)] == list(range(100))


async def test_fifo_await() -> None:
    ch: Channel[str] = Channel(3)
    for s in "abc":
        await ch.put(s)
    assert [await ch.get() for _ in range(3)] == ["a", "b", "c"]


async def test_fifo_through_a_small_buffer() -> None:
    ch: Channel[int] = Channel(2)

    async def produce() -> None:
        for i in range(50):
            await ch.put(i)
        ch.close()

    got: list[int] = []

    async def consume() -> None:
        async for item in ch:
            got.append(item)

    await asyncio.gather(produce(), consume())
    assert got == list(range(50))


async def test_get_waits_for_put() -> None:
    ch: Channel[int] = Channel()
    task = asyncio.ensure_future(ch.get())
    await settle()
    assert not task.done()
    await ch.put(42)
    assert await task == 42
    assert ch.qsize() == 0


async def test_put_waits_for_room() -> None:
    ch: Channel[int] = Channel(1)
    await ch.put(1)
    task = asyncio.ensure_future(ch.put(2))
    await settle()
    assert not task.done()
    assert list(ch) == [1]
    assert await ch.get() == 1
    await task
    assert list(ch) == [2]
    assert ch.full()


async def test_put_waits_on_full_unbounded_never() -> None:
    ch: Channel[int] = Channel(0)
    for i in range(1000):
        await ch.put(i)
    assert ch.qsize() == 1000
    assert not ch.full()


def test_put_nowait_full_message() -> None:
    ch: Channel[int] = Channel(3)
    for i in range(3):
        ch.put_nowait(i)
    with pytest.raises(ChannelFull) as info:
        ch.put_nowait(3)
    assert str(info.value) == "channel is full (maxsize=3)"
    assert list(ch) == [0, 1, 2]


def test_get_nowait_empty_message() -> None:
    ch: Channel[int] = Channel(3)
    with pytest.raises(ChannelEmpty) as info:
        ch.get_nowait()
    assert str(info.value) == "channel is empty"
    ch.put_nowait(1)
    assert ch.get_nowait() == 1
    with pytest.raises(ChannelEmpty, match=r"^channel is empty$"):
        ch.get_nowait()


async def test_fast_paths_do_not_yield_to_the_loop() -> None:
    ch: Channel[int] = Channel(2)
    ran: list[int] = []
    loop = asyncio.get_running_loop()
    loop.call_soon(ran.append, 1)
    await ch.put(1)
    await ch.put(2)
    assert await ch.get() == 1
    assert await ch.get() == 2
    await ch.put(3)
    assert await ch.get() == 3
    assert ran == []
    # The same through the views and async iteration.
    tx, rx = ch.sender, ch.receiver
    await tx.put(4)
    assert await rx.get() == 4
    await tx.put(5)
    assert await rx.__anext__() == 5
    assert ran == []
    await asyncio.sleep(0)
    assert ran == [1]


async def test_get_after_put_with_waiting_getters_gone_is_fast() -> None:
    # Once a waiting getter has been served, the fast paths come back.
    ch: Channel[int] = Channel(1)
    task = asyncio.ensure_future(ch.get())
    await settle()
    ch.put_nowait(1)
    assert await task == 1
    ran: list[int] = []
    asyncio.get_running_loop().call_soon(ran.append, 1)
    await ch.put(2)
    assert await ch.get() == 2
    assert ran == []


async def test_items_of_any_kind_are_passed_as_is() -> None:
    ch: Channel[object] = Channel()
    things: list[object] = [None, 0, False, "", [], {}, (), object()]
    for t in things:
        await ch.put(t)
    got = [await ch.get() for _ in things]
    assert all(a is b for a, b in zip(got, things, strict=True))


# -- queries ------------------------------------------------------------------------------------


def test_queries_on_a_bounded_channel() -> None:
    ch: Channel[int] = Channel(2)
    assert (ch.qsize(), ch.empty(), ch.full(), ch.closed()) == (0, True, False, False)
    ch.put_nowait(1)
    assert (ch.qsize(), ch.empty(), ch.full(), ch.closed()) == (1, False, False, False)
    ch.put_nowait(2)
    assert (ch.qsize(), ch.empty(), ch.full(), ch.closed()) == (2, False, True, False)
    ch.close()
    assert (ch.qsize(), ch.empty(), ch.full(), ch.closed()) == (2, False, True, True)
    ch.get_nowait()
    assert (ch.qsize(), ch.empty(), ch.full(), ch.closed()) == (1, False, False, True)
    ch.get_nowait()
    assert (ch.qsize(), ch.empty(), ch.full(), ch.closed()) == (0, True, False, True)


def test_queries_on_an_unbounded_channel() -> None:
    ch: Channel[int] = Channel()
    assert (ch.qsize(), ch.empty(), ch.full()) == (0, True, False)
    for i in range(5):
        ch.put_nowait(i)
    assert (ch.qsize(), ch.empty(), ch.full()) == (5, False, False)
    ch.close()
    assert (ch.qsize(), ch.empty(), ch.full(), ch.closed()) == (5, False, False, True)


def test_maxsize_is_read_only() -> None:
    ch: Channel[int] = Channel(2)
    with pytest.raises(AttributeError):
        ch.maxsize = 3  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    assert ch.maxsize == 2


# -- iteration snapshot -------------------------------------------------------------------------


def test_iter_is_a_non_consuming_snapshot() -> None:
    ch: Channel[int] = Channel()
    assert list(ch) == []
    for i in range(4):
        ch.put_nowait(i)
    it = iter(ch)
    ch.put_nowait(4)  # not in the snapshot, and no "deque mutated during iteration"
    assert ch.get_nowait() == 0
    assert list(it) == [0, 1, 2, 3]
    assert list(ch) == [1, 2, 3, 4]
    assert ch.qsize() == 4
    assert list(ch) == [1, 2, 3, 4]


def test_iter_of_a_channel_that_never_held_items() -> None:
    ch: Channel[int] = Channel(1)
    assert list(iter(ch)) == []
    ch.close()
    assert list(ch) == []


async def test_iter_excludes_items_promised_to_woken_getters() -> None:
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    await settle()
    ch.put_nowait(1)  # promised to the waiting getter
    ch.put_nowait(2)
    assert list(ch) == [2]
    assert ch.qsize() == 1
    assert await getter == 1
    assert list(ch) == [2]


# -- repr / str ---------------------------------------------------------------------------------


def test_repr_and_str() -> None:
    ch: Channel[int] = Channel(10)
    for i in range(3):
        ch.put_nowait(i)
    assert repr(ch) == f"<Channel at {id(ch):#x} maxsize=10 qsize=3>"
    assert str(ch) == "<Channel maxsize=10 qsize=3>"
    assert re.fullmatch(r"<Channel at 0x[0-9a-f]+ maxsize=10 qsize=3>", repr(ch))
    ch.close()
    assert repr(ch) == f"<Channel at {id(ch):#x} maxsize=10 qsize=3 closed>"
    assert str(ch) == "<Channel maxsize=10 qsize=3 closed>"
    ch.get_nowait()
    assert str(ch) == "<Channel maxsize=10 qsize=2 closed>"


def test_repr_of_unbounded_channel() -> None:
    ch: Channel[str] = Channel()
    assert str(ch) == "<Channel maxsize=0 qsize=0>"


def test_repr_of_subclass_uses_its_name() -> None:
    class MyChannel(Channel[int]):
        pass

    ch = MyChannel(1)
    assert str(ch) == "<MyChannel maxsize=1 qsize=0>"
    assert repr(ch) == f"<MyChannel at {id(ch):#x} maxsize=1 qsize=0>"


# -- event loops --------------------------------------------------------------------------------


def test_made_at_import_time_used_in_two_asyncio_runs() -> None:
    script = textwrap.dedent(
        """
        import asyncio
        from aiochannel import Channel

        ch = Channel(1)  # module level: no loop exists

        async def main(tag):
            async def producer():
                for i in range(3):
                    await ch.put(f"{tag}{i}")  # waits: maxsize 1

            task = asyncio.ensure_future(producer())
            got = [await ch.get() for _ in range(3)]
            await task
            return got

        print(asyncio.run(main("a")))
        print(asyncio.run(main("b")))
        ch.close()
        asyncio.run(ch.join())
        print(ch)
        """
    )
    out = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.stderr == ""
    assert out.returncode == 0
    assert out.stdout == (
        "['a0', 'a1', 'a2']\n['b0', 'b1', 'b2']\n<Channel maxsize=1 qsize=0 closed>\n"
    )


@pytest.mark.parametrize("factory", LOOP_FACTORIES)
def test_used_on_successive_loops(factory: LoopFactory) -> None:
    ch: Channel[int] = Channel(1)

    async def round_trip(base: int) -> list[int]:
        async def producer() -> None:
            for i in range(3):
                await ch.put(base + i)

        task = asyncio.ensure_future(producer())
        got: list[int] = []
        for _ in range(3):
            got.append(await ch.get())
        await task
        # A getter waits, and is served, on this loop.
        waiter = asyncio.ensure_future(ch.get())
        await settle()
        ch.put_nowait(base + 100)
        got.append(await waiter)
        return got

    for base in (0, 10, 20):
        loop = factory()
        try:
            assert run_in(loop, round_trip(base)) == [base, base + 1, base + 2, base + 100]
        finally:
            loop.close()


@pytest.mark.parametrize("factory", LOOP_FACTORIES)
@pytest.mark.parametrize("op", ["get", "put", "join"])
def test_waiting_from_a_second_loop_is_a_runtime_error(factory: LoopFactory, op: str) -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)  # full: a put would wait
    first = factory()
    second = factory()
    try:

        async def park() -> asyncio.Future[int]:
            ch.get_nowait()  # empty: a get waits
            task = asyncio.ensure_future(ch.get())
            await settle()
            return task

        parked = first.run_until_complete(park())
        assert not parked.done()

        async def attempt() -> None:
            if op == "get":
                await ch.get()
            elif op == "put":
                ch.put_nowait(7)  # promised to the parked getter: takes no room
                ch.put_nowait(8)  # fills the channel
                await ch.put(9)  # must wait
            else:
                await ch.join()

        with pytest.raises(RuntimeError) as info:
            second.run_until_complete(attempt())
        assert str(info.value) == (
            "channel is in use by tasks of another event loop: "
            "a channel can only be waited on from one loop at a time"
        )
        # Nothing was added by the failed wait.
        if op == "put":
            assert list(ch) == [8]
        else:
            ch.put_nowait(7)
        assert first.run_until_complete(parked) == 7
        if op == "put":
            assert ch.get_nowait() == 8
        assert ch.empty()
        # Now nobody waits: the second loop may wait on it.

        async def later() -> int:
            task = asyncio.ensure_future(ch.get())
            await settle()
            ch.put_nowait(9)
            return await task

        assert second.run_until_complete(later()) == 9
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("factory", LOOP_FACTORIES)
@pytest.mark.parametrize("op", ["get", "put", "join"])
def test_timed_out_waiters_do_not_hold_the_channel_to_their_loop(
    factory: LoopFactory, op: str
) -> None:
    # After a wait timed out (or was cancelled), nobody waits: another loop may wait on it.
    ch: Channel[int] = Channel(1)

    def wait() -> Coroutine[object, object, object]:
        if op == "put":
            return ch.put(1)
        if op == "get":
            return ch.get()
        return ch.join()

    async def wait_once() -> None:
        if op == "put":
            ch.put_nowait(0)  # full: a put waits
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(wait(), 0.001)
        task = asyncio.ensure_future(wait())
        await settle()
        task.cancel()
        await settle()
        assert task.cancelled()

    async def serve_on_second() -> list[int]:
        if op == "put":
            putter = asyncio.ensure_future(ch.put(2))  # waits: the channel is still full
            await settle()
            got = [ch.get_nowait()]
            await putter
            return [*got, ch.get_nowait()]
        getter = asyncio.ensure_future(ch.get())
        await settle()
        ch.put_nowait(5)
        return [await getter]

    first = factory()
    second = factory()
    try:
        first.run_until_complete(wait_once())
        expected = [0, 2] if op == "put" else [5]
        assert second.run_until_complete(serve_on_second()) == expected
        assert list(ch) == []
    finally:
        first.close()
        second.close()
