"""close() and join()."""

from __future__ import annotations

import asyncio

import pytest
from _support import settle

from aiochannel import Channel, ChannelClosed, ChannelEmpty, ChannelFull

CLOSED = "^channel is closed$"


async def test_close_is_permanent_and_idempotent() -> None:
    ch: Channel[int] = Channel()
    assert not ch.closed()
    ch.close()
    assert ch.closed()
    ch.close()
    ch.sender.close()
    assert ch.closed()


def test_put_nowait_on_closed_channel() -> None:
    ch: Channel[int] = Channel(2)
    ch.close()
    with pytest.raises(ChannelClosed, match=CLOSED):
        ch.put_nowait(1)
    assert list(ch) == []


def test_put_nowait_on_full_closed_channel_is_closed_not_full() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(1)
    ch.close()
    with pytest.raises(ChannelClosed, match=CLOSED) as info:
        ch.put_nowait(2)
    assert not isinstance(info.value, ChannelFull)
    assert list(ch) == [1]


async def test_put_on_closed_channel() -> None:
    for maxsize in (0, 1):
        ch: Channel[int] = Channel(maxsize)
        ch.put_nowait(1)
        ch.close()
        with pytest.raises(ChannelClosed, match=CLOSED):
            await ch.put(2)
        assert list(ch) == [1]


async def test_close_with_blocked_putters_twice() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("kept")
    putters = [asyncio.ensure_future(ch.put(f"p{i}")) for i in range(3)]
    await settle()
    assert not any(p.done() for p in putters)
    ch.close()
    ch.close()  # 1.x raised InvalidStateError here
    results = await asyncio.gather(*putters, return_exceptions=True)
    assert [type(r) for r in results] == [ChannelClosed] * 3
    assert [str(r) for r in results] == ["channel is closed"] * 3
    ch.close()
    assert list(ch) == ["kept"]
    assert ch.get_nowait() == "kept"
    with pytest.raises(ChannelClosed, match=CLOSED):
        ch.get_nowait()


async def test_close_fails_putter_granted_but_not_resumed() -> None:
    ch: Channel[str] = Channel(1)
    ch.put_nowait("a")
    putter = asyncio.ensure_future(ch.put("b"))
    await settle()
    assert ch.get_nowait() == "a"  # grants the free slot to the putter
    assert ch.full()  # the slot is the putter's
    ch.close()  # before the putter resumes
    with pytest.raises(ChannelClosed, match=CLOSED):
        await putter
    assert list(ch) == []
    assert ch.qsize() == 0
    with pytest.raises(ChannelClosed, match=CLOSED):
        ch.get_nowait()
    await ch.join()


async def test_getters_drain_then_get_closed() -> None:
    ch: Channel[int] = Channel(5)
    for i in range(3):
        await ch.put(i)
    ch.close()
    assert await ch.get() == 0
    assert ch.get_nowait() == 1
    assert await ch.receiver.get() == 2
    with pytest.raises(ChannelClosed, match=CLOSED):
        await ch.get()
    with pytest.raises(ChannelClosed, match=CLOSED) as info:
        ch.get_nowait()
    assert not isinstance(info.value, ChannelEmpty)
    with pytest.raises(ChannelClosed, match=CLOSED):
        await ch.receiver.get()


async def test_waiting_getters_fail_at_once_on_close() -> None:
    ch: Channel[int] = Channel()
    getters = [asyncio.ensure_future(ch.get()) for _ in range(3)]
    await settle()
    ch.close()
    _done, pending = await asyncio.wait(getters, timeout=5)
    assert pending == set()
    for g in getters:
        exc = g.exception()
        assert type(exc) is ChannelClosed
        assert str(exc) == "channel is closed"


async def test_close_with_getters_promised_and_waiting() -> None:
    ch: Channel[int] = Channel()
    getters = [asyncio.ensure_future(ch.get()) for _ in range(3)]
    await settle()
    ch.put_nowait(10)  # promised to getters[0]
    ch.put_nowait(11)  # promised to getters[1]
    ch.close()  # getters[2] can never be served
    results = await asyncio.gather(*getters, return_exceptions=True)
    assert results[:2] == [10, 11]
    assert type(results[2]) is ChannelClosed
    assert str(results[2]) == "channel is closed"
    assert list(ch) == []
    await ch.join()


async def test_close_from_a_callback_while_putters_and_getters_wait() -> None:
    full: Channel[int] = Channel(1)
    full.put_nowait(0)
    empty: Channel[int] = Channel(1)
    putter = asyncio.ensure_future(full.put(1))
    getter = asyncio.ensure_future(empty.get())
    await settle()
    loop = asyncio.get_running_loop()
    loop.call_soon(full.close)
    loop.call_soon(empty.close)
    with pytest.raises(ChannelClosed, match=CLOSED):
        await putter
    with pytest.raises(ChannelClosed, match=CLOSED):
        await getter
    assert list(full) == [0]


async def test_put_while_a_getter_waits_after_close_is_closed() -> None:
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    await settle()
    ch.close()
    with pytest.raises(ChannelClosed, match=CLOSED):
        ch.put_nowait(1)
    with pytest.raises(ChannelClosed, match=CLOSED):
        await getter


# -- join ---------------------------------------------------------------------------------------


async def test_join_returns_at_once_when_closed_and_drained() -> None:
    ch: Channel[int] = Channel()
    ch.close()
    ran: list[int] = []
    asyncio.get_running_loop().call_soon(ran.append, 1)
    await ch.join()
    await ch.sender.join()
    await ch.receiver.join()
    assert ran == []  # returned without a loop iteration


async def test_join_waits_for_close() -> None:
    ch: Channel[int] = Channel()
    joiner = asyncio.ensure_future(ch.join())
    await settle()
    assert not joiner.done()
    ch.close()
    await asyncio.wait_for(joiner, 5)


async def test_join_waits_for_drain() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    ch.put_nowait(2)
    joiners = [asyncio.ensure_future(ch.join()) for _ in range(3)]
    await settle()
    ch.close()
    await settle()
    assert not any(j.done() for j in joiners)
    assert ch.get_nowait() == 1
    await settle()
    assert not any(j.done() for j in joiners)
    assert await ch.get() == 2
    await asyncio.wait_for(asyncio.gather(*joiners), 5)


async def test_join_waits_for_drain_by_async_for() -> None:
    ch: Channel[int] = Channel(2)
    order: list[str] = []

    async def join() -> None:
        await ch.join()
        order.append("joined")

    async def produce() -> None:
        for i in range(5):
            await ch.put(i)
        ch.close()
        order.append("closed")

    async def consume() -> None:
        async for item in ch.receiver:
            order.append(f"got {item}")
            await asyncio.sleep(0)

    await asyncio.gather(join(), produce(), consume())
    assert order[-1] == "joined"
    assert order.index("closed") < order.index("got 4")
    assert [x for x in order if x.startswith("got")] == [f"got {i}" for i in range(5)]


async def test_join_counts_promised_items() -> None:
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    joiner = asyncio.ensure_future(ch.join())
    await settle()
    ch.put_nowait(1)  # promised to the getter: qsize() is 0, but the item is in flight
    assert ch.qsize() == 0
    ch.close()
    getter.cancel()  # the promise comes back: the item is available again
    await settle()
    assert getter.cancelled()
    assert not joiner.done()
    assert list(ch) == [1]
    assert ch.get_nowait() == 1
    await asyncio.wait_for(joiner, 5)


async def test_join_returns_after_promised_item_is_taken() -> None:
    ch: Channel[int] = Channel()
    order: list[str] = []

    async def get() -> None:
        order.append(f"got {await ch.get()}")

    async def join() -> None:
        await ch.join()
        order.append("joined")

    tasks = [asyncio.ensure_future(get()), asyncio.ensure_future(join())]
    await settle()
    ch.put_nowait(1)
    ch.close()
    await asyncio.gather(*tasks)
    assert order == ["got 1", "joined"]


async def test_cancelled_join_is_harmless() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    cancelled = asyncio.ensure_future(ch.join())
    kept = asyncio.ensure_future(ch.join())
    await settle()
    cancelled.cancel()
    await settle()
    assert cancelled.cancelled()
    ch.close()
    assert ch.get_nowait() == 1
    await asyncio.wait_for(kept, 5)
    await ch.join()


async def test_join_timeout_then_join_again() -> None:
    ch: Channel[int] = Channel()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(ch.join(), 0.01)
    ch.close()
    await asyncio.wait_for(ch.join(), 5)


async def test_join_waiters_woken_by_close_on_empty_channel() -> None:
    ch: Channel[int] = Channel(1)
    joiners = [asyncio.ensure_future(ch.receiver.join()) for _ in range(2)]
    await settle()
    ch.sender.close()
    await asyncio.wait_for(asyncio.gather(*joiners), 5)


async def test_close_right_after_cancelling_waiters() -> None:
    # Cancelled waiters that have not resumed yet are skipped by close(); the others fail.
    full: Channel[int] = Channel(1)
    full.put_nowait(0)
    empty: Channel[int] = Channel(1)
    putters = [asyncio.ensure_future(full.put(i)) for i in (1, 2)]
    getters = [asyncio.ensure_future(empty.get()) for _ in range(2)]
    await settle()
    putters[0].cancel()
    getters[0].cancel()
    full.close()
    empty.close()
    put_results = await asyncio.gather(*putters, return_exceptions=True)
    get_results = await asyncio.gather(*getters, return_exceptions=True)
    assert type(put_results[0]) is asyncio.CancelledError
    assert type(put_results[1]) is ChannelClosed
    assert type(get_results[0]) is asyncio.CancelledError
    assert type(get_results[1]) is ChannelClosed
    assert list(full) == [0]
    assert list(empty) == []


async def test_drain_right_after_cancelling_a_join() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    ch.close()
    cancelled = asyncio.ensure_future(ch.join())
    kept = asyncio.ensure_future(ch.join())
    await settle()
    cancelled.cancel()
    assert ch.get_nowait() == 1  # drains while the cancelled joiner has not resumed yet
    await asyncio.wait_for(kept, 5)
    await settle()
    assert cancelled.cancelled()


async def test_close_right_after_cancelling_a_join() -> None:
    ch: Channel[int] = Channel()
    cancelled = asyncio.ensure_future(ch.join())
    kept = asyncio.ensure_future(ch.join())
    await settle()
    cancelled.cancel()
    ch.close()
    await asyncio.wait_for(kept, 5)
    await settle()
    assert cancelled.cancelled()
