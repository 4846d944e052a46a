"""Waiting getters and putters are served in arrival order, and *_nowait cannot jump the line."""

from __future__ import annotations

import asyncio

import pytest
from _support import settle

from aiochannel import Channel, ChannelEmpty, ChannelFull


async def test_item_put_while_getter_waits_belongs_to_it() -> None:
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    await settle()
    ch.put_nowait(1)
    assert ch.qsize() == 0
    assert ch.empty()
    with pytest.raises(ChannelEmpty, match=r"^channel is empty$"):
        ch.get_nowait()
    with pytest.raises(ChannelEmpty, match=r"^channel is empty$"):
        ch.receiver.get_nowait()
    assert list(ch) == []
    assert await getter == 1


async def test_get_does_not_take_a_promised_item() -> None:
    ch: Channel[int] = Channel()
    first = asyncio.ensure_future(ch.get())
    await settle()
    ch.put_nowait(1)  # promised to first
    second = asyncio.ensure_future(ch.get())  # arrives later: must wait for the next item
    await settle()
    assert first.result() == 1
    assert not second.done()
    ch.put_nowait(2)
    assert await second == 2


async def test_waiting_getters_are_served_in_arrival_order() -> None:
    ch: Channel[int] = Channel()
    getters = [asyncio.ensure_future(ch.get()) for _ in range(5)]
    await settle()
    for i in range(5):
        ch.put_nowait(i)
    assert await asyncio.gather(*getters) == [0, 1, 2, 3, 4]


async def test_waiting_getters_served_in_order_with_awaited_puts() -> None:
    ch: Channel[int] = Channel(1)
    order: list[tuple[int, int]] = []

    async def get(n: int) -> None:
        order.append((n, await ch.get()))

    tasks = [asyncio.ensure_future(get(n)) for n in range(4)]
    await settle()
    for i in range(4):
        await ch.put(i * 10)
    await asyncio.gather(*tasks)
    assert order == [(0, 0), (1, 10), (2, 20), (3, 30)]


async def test_slot_freed_while_putter_waits_belongs_to_it() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    putter = asyncio.ensure_future(ch.put("b"))
    await settle()
    assert ch.get_nowait() == "a"
    assert ch.full()
    with pytest.raises(ChannelFull, match=r"^channel is full \(maxsize=1\)$"):
        ch.put_nowait("x")
    with pytest.raises(ChannelFull, match=r"^channel is full \(maxsize=1\)$"):
        ch.sender.put_nowait("x")
    await putter
    assert list(ch) == ["b"]


async def test_put_does_not_take_a_granted_slot() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    first = asyncio.ensure_future(ch.put("b"))
    await settle()
    assert ch.get_nowait() == "a"  # slot granted to first
    second = asyncio.ensure_future(ch.put("c"))  # arrives later: must wait
    await settle()
    assert first.done()
    assert not second.done()
    assert list(ch) == ["b"]
    assert ch.get_nowait() == "b"
    await second
    assert list(ch) == ["c"]


async def test_waiting_putters_enter_in_arrival_order() -> None:
    # gh-83055: asyncio.Queue can let a later put overtake an earlier waiting one.
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    putters = [asyncio.ensure_future(ch.put(i)) for i in range(1, 6)]
    await settle()
    got = [await ch.get() for _ in range(6)]
    await asyncio.gather(*putters)
    assert got == [0, 1, 2, 3, 4, 5]


async def test_putters_in_order_when_many_slots_free_at_once() -> None:
    ch: Channel[int] = Channel(3)
    for i in range(3):
        ch.put_nowait(i)
    putters = [asyncio.ensure_future(ch.put(i)) for i in range(3, 9)]
    await settle()
    got = [ch.get_nowait() for _ in range(3)]  # three slots, granted to the three oldest putters
    with pytest.raises(ChannelFull):
        ch.put_nowait(99)
    await settle()
    assert [p.done() for p in putters] == [True] * 3 + [False] * 3
    async for item in ch:
        got.append(item)
        if item == 8:
            break
    assert got == list(range(9))


async def test_mixed_nowait_and_waiting_producers_keep_order() -> None:
    ch: Channel[str] = Channel(2)
    ch.put_nowait("n1")
    ch.put_nowait("n2")
    waiting = asyncio.ensure_future(ch.put("w1"))
    await settle()
    assert ch.get_nowait() == "n1"
    # The freed slot is w1's; a put_nowait now fails instead of overtaking it.
    with pytest.raises(ChannelFull):
        ch.put_nowait("n3")
    await waiting
    assert ch.get_nowait() == "n2"
    ch.put_nowait("n3")
    assert list(ch) == ["w1", "n3"]


async def test_getter_and_get_nowait_interleaved() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    assert ch.get_nowait() == 1  # nobody waits: take it
    waiter = asyncio.ensure_future(ch.get())
    await settle()
    ch.put_nowait(2)
    ch.put_nowait(3)
    assert ch.get_nowait() == 3  # 2 is promised; 3 is available
    assert await waiter == 2


async def test_slot_freed_by_a_promised_put_goes_to_the_next_putter() -> None:
    # A granted putter's item goes straight to a waiting getter: its slot is free again, and is
    # granted to the next waiting putter at once.
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    putters = [asyncio.ensure_future(ch.put(s)) for s in ("b", "c")]
    await settle()
    assert ch.get_nowait() == "a"  # slot granted to putters[0]
    getter = asyncio.ensure_future(ch.get())  # nothing available: waits
    await settle()
    assert await asyncio.wait_for(getter, 5) == "b"
    await asyncio.wait_for(asyncio.gather(*putters), 5)
    assert list(ch) == ["c"]
    with pytest.raises(ChannelFull):
        ch.put_nowait("d")


async def test_never_more_slots_granted_than_free() -> None:
    ch: Channel[int] = Channel(2)
    ch.put_nowait(0)
    ch.put_nowait(1)
    putters = [asyncio.ensure_future(ch.put(i)) for i in range(2, 6)]
    await settle()
    assert ch.get_nowait() == 0
    await settle()
    # One slot was freed: one putter entered, the channel is full again.
    assert [p.done() for p in putters] == [True, False, False, False]
    assert list(ch) == [1, 2]
    assert ch.full()
    assert ch.get_nowait() == 1
    assert ch.get_nowait() == 2
    await settle()
    assert [p.done() for p in putters] == [True, True, True, False]
    assert list(ch) == [3, 4]
    assert [ch.get_nowait() for _ in range(2)] == [3, 4]
    await asyncio.wait_for(putters[3], 5)
    assert list(ch) == [5]
