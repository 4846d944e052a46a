"""Cancellation and timeouts at every point of a wait: nothing is lost or duplicated."""

from __future__ import annotations

import asyncio
import time

import pytest
from _support import settle

from aiochannel import Channel, ChannelClosed, ChannelEmpty, ChannelFull

CLOSED = "^channel is closed$"


# -- get ------------------------------------------------------------------------------------------


async def test_get_cancelled_while_waiting_takes_nothing() -> None:
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    await settle()
    getter.cancel()
    await settle()
    assert getter.cancelled()
    ch.put_nowait(1)  # not promised to the cancelled getter
    assert ch.qsize() == 1
    assert ch.get_nowait() == 1


async def test_get_cancelled_before_first_step() -> None:
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    getter.cancel()
    await settle()
    assert getter.cancelled()
    ch.put_nowait(1)
    assert list(ch) == [1]


async def test_cancelled_getter_is_skipped_by_later_put() -> None:
    # Cancelled but not yet resumed: a put in between must not promise the item to it.
    ch: Channel[int] = Channel()
    first = asyncio.ensure_future(ch.get())
    second = asyncio.ensure_future(ch.get())
    await settle()
    first.cancel()
    ch.put_nowait(1)  # first has not resumed yet; the item goes to second
    assert await second == 1
    assert first.cancelled()
    assert ch.qsize() == 0


async def test_get_cancelled_after_promise_returns_item_to_head() -> None:
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    await settle()
    ch.put_nowait(1)  # promised to getter
    ch.put_nowait(2)
    assert ch.qsize() == 1
    getter.cancel()  # before it resumes
    await settle()
    assert getter.cancelled()
    assert list(ch) == [1, 2]
    assert ch.qsize() == 2
    assert ch.get_nowait() == 1
    assert ch.get_nowait() == 2


async def test_get_cancelled_after_promise_passes_it_on() -> None:
    ch: Channel[int] = Channel()
    getters = [asyncio.ensure_future(ch.get()) for _ in range(3)]
    await settle()
    ch.put_nowait(1)  # promised to getters[0]
    getters[0].cancel()
    await settle()
    assert getters[0].cancelled()
    assert getters[1].done()
    assert getters[1].result() == 1
    assert not getters[2].done()
    assert ch.qsize() == 0
    ch.put_nowait(2)
    assert await getters[2] == 2


async def test_get_cancelled_after_promise_with_next_getter_also_cancelled() -> None:
    ch: Channel[int] = Channel()
    getters = [asyncio.ensure_future(ch.get()) for _ in range(3)]
    await settle()
    ch.put_nowait(1)  # promised to getters[0]
    getters[0].cancel()
    getters[1].cancel()  # still waiting, cancelled too
    assert await getters[2] == 1
    assert getters[0].cancelled()
    assert getters[1].cancelled()


async def test_get_cancelled_after_close_takes_nothing() -> None:
    # close() fails the getter, then the cancellation arrives before it resumes: cancellation wins.
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    await settle()
    ch.close()
    getter.cancel()
    await settle()
    assert getter.cancelled()
    with pytest.raises(ChannelClosed, match=CLOSED):
        ch.get_nowait()


async def test_get_timeout_takes_nothing() -> None:
    ch: Channel[int] = Channel(1)
    for _ in range(3):
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(ch.get(), 0.001)
    ch.put_nowait(1)
    assert ch.qsize() == 1
    assert await ch.get() == 1


async def test_async_for_cancelled_while_waiting() -> None:
    ch: Channel[int] = Channel()
    got: list[int] = []

    async def consume() -> None:
        async for item in ch:
            got.append(item)

    task = asyncio.ensure_future(consume())
    await settle()
    ch.put_nowait(1)
    await settle()
    ch.put_nowait(2)  # promised to the consumer
    task.cancel()
    await settle()
    assert task.cancelled()
    assert got == [1]
    assert list(ch) == [2]


# -- qsize above maxsize after a returned promise -------------------------------------------------


async def test_qsize_may_exceed_maxsize_after_returned_promise() -> None:
    ch: Channel[int] = Channel(1)
    getter = asyncio.ensure_future(ch.get())
    await settle()
    ch.put_nowait(1)  # promised: in flight, takes no room
    ch.put_nowait(2)  # fills the channel
    assert ch.full()
    getter.cancel()
    await settle()
    assert ch.qsize() == 2  # > maxsize until items are taken
    assert list(ch) == [1, 2]
    assert ch.full()
    with pytest.raises(ChannelFull, match=r"^channel is full \(maxsize=1\)$"):
        ch.put_nowait(3)
    putter = asyncio.ensure_future(ch.put(3))
    await settle()
    assert not putter.done()
    assert ch.get_nowait() == 1
    await settle()
    assert not putter.done()  # still qsize() == maxsize
    assert ch.get_nowait() == 2
    await putter
    assert list(ch) == [3]
    assert ch.qsize() == 1


# -- put ------------------------------------------------------------------------------------------


async def test_put_cancelled_while_waiting_adds_nothing() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    putter = asyncio.ensure_future(ch.put("b"))
    await settle()
    putter.cancel()
    await settle()
    assert putter.cancelled()
    assert list(ch) == ["a"]
    assert ch.get_nowait() == "a"
    ch.put_nowait("c")  # the freed slot was not granted to the cancelled putter
    assert list(ch) == ["c"]


async def test_put_cancelled_before_first_step_adds_nothing() -> None:
    ch: Channel[str] = Channel(1)
    putter = asyncio.ensure_future(ch.put("b"))
    putter.cancel()
    await settle()
    assert putter.cancelled()
    assert list(ch) == []


async def test_cancelled_putter_is_skipped_by_later_get() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    first = asyncio.ensure_future(ch.put("b"))
    second = asyncio.ensure_future(ch.put("c"))
    await settle()
    first.cancel()
    assert ch.get_nowait() == "a"  # first has not resumed yet: the slot goes to second
    await second
    assert first.cancelled()
    assert list(ch) == ["c"]


async def test_put_cancelled_after_grant_adds_nothing_and_frees_slot() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    putter = asyncio.ensure_future(ch.put("b"))
    await settle()
    assert ch.get_nowait() == "a"  # grants the slot to the putter
    assert ch.full()
    putter.cancel()  # before it resumes
    await settle()
    assert putter.cancelled()
    assert list(ch) == []
    assert not ch.full()
    ch.put_nowait("c")
    assert list(ch) == ["c"]


async def test_put_cancelled_after_grant_passes_slot_on() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    putters = [asyncio.ensure_future(ch.put(s)) for s in "bcd"]
    await settle()
    assert ch.get_nowait() == "a"  # slot granted to putters[0]
    putters[0].cancel()
    await settle()
    assert putters[0].cancelled()
    assert putters[1].done()
    assert putters[1].exception() is None
    assert not putters[2].done()
    assert list(ch) == ["c"]
    assert ch.get_nowait() == "c"
    await putters[2]
    assert list(ch) == ["d"]


async def test_put_cancelled_after_grant_with_next_putter_also_cancelled() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    putters = [asyncio.ensure_future(ch.put(s)) for s in "bcd"]
    await settle()
    assert ch.get_nowait() == "a"  # slot granted to putters[0]
    putters[0].cancel()
    putters[1].cancel()
    await putters[2]
    assert putters[0].cancelled()
    assert putters[1].cancelled()
    assert list(ch) == ["d"]


async def test_put_cancelled_after_close_adds_nothing() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    putter = asyncio.ensure_future(ch.put("b"))
    await settle()
    ch.close()
    putter.cancel()  # before it resumes: cancellation wins
    await settle()
    assert putter.cancelled()
    assert list(ch) == ["a"]


async def test_put_timeout_adds_nothing() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    for i in range(3):
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(ch.put(i + 1), 0.001)
    assert list(ch) == [0]
    assert ch.get_nowait() == 0
    ch.put_nowait(9)  # no stale putter holds the slot
    assert list(ch) == [9]


async def test_wait_for_timeouts_do_not_lose_items() -> None:
    ch: Channel[int] = Channel(2)
    sent: list[int] = []
    received: list[int] = []

    async def produce() -> None:
        for i in range(60):
            while True:
                try:
                    await asyncio.wait_for(ch.put(i), 0.0005)
                except asyncio.TimeoutError:
                    continue
                sent.append(i)
                break
        ch.close()

    async def consume() -> None:
        while True:
            try:
                item = await asyncio.wait_for(ch.get(), 0.0005)
            except asyncio.TimeoutError:
                continue
            except ChannelClosed:
                return
            received.append(item)
            if item % 7 == 0:
                await asyncio.sleep(0.001)

    await asyncio.gather(produce(), consume())
    assert sent == list(range(60))
    assert received == sent


async def test_put_success_with_cancel_after_return_keeps_item() -> None:
    # A put that returned added its item exactly once, whatever happens to its task afterwards.
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)

    async def put_then_sleep() -> None:
        await ch.put(1)
        await asyncio.sleep(10)

    task = asyncio.ensure_future(put_then_sleep())
    await settle()
    assert ch.get_nowait() == 0
    await settle()
    assert list(ch) == [1]
    task.cancel()
    await settle()
    assert list(ch) == [1]


async def test_empty_and_nowait_agree_with_promises() -> None:
    ch: Channel[int] = Channel(1)
    getter = asyncio.ensure_future(ch.get())
    await settle()
    ch.put_nowait(1)
    assert ch.empty()
    with pytest.raises(ChannelEmpty, match=r"^channel is empty$"):
        ch.get_nowait()
    getter.cancel()
    await settle()
    assert not ch.empty()
    assert ch.get_nowait() == 1


@pytest.mark.parametrize("blocking", [0.0, 0.02])
async def test_timeout_racing_a_promise_never_loses_the_item(blocking: float) -> None:
    # The item is promised to the waiting get(), and its timeout expires before it resumes
    # (the loop is blocked meanwhile): either the get returns the item, or it times out and the
    # item is still in the channel. Never both, never neither.
    ch: Channel[int] = Channel(1)
    getter = asyncio.ensure_future(asyncio.wait_for(ch.get(), 0.01))
    await settle()
    ch.put_nowait(7)
    time.sleep(blocking)  # noqa: ASYNC251 - blocks the loop on purpose, so the timer is due
    try:
        got = await getter
    except asyncio.TimeoutError:
        assert list(ch) == [7]
        assert ch.get_nowait() == 7
    else:
        assert got == 7
        assert list(ch) == []
    assert ch.qsize() == 0
    ch.put_nowait(8)
    assert ch.get_nowait() == 8
