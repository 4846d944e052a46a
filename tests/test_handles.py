"""Issue 15: send and receive handles — clone(), close by the last sender, hang_up() by the last
receiver, close(error), statistics()."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Iterable, Sequence
from typing import TypeVar

import pytest
from _support import settle

from aiochannel import (
    Channel,
    ChannelClosed,
    ChannelEmpty,
    ChannelFull,
    ChannelStatistics,
    ReceiveChannel,
    SendChannel,
)

T = TypeVar("T")
GUARD = 10.0
CLOSED = "channel is closed"
HANDLE_CLOSED = "this send handle is closed"
HUNG_UP = "this receive handle has hung up"
ALL_HUNG_UP = "channel is closed: every receiver hung up"


def spawn(aws: Iterable[Awaitable[T]]) -> list[asyncio.Future[T]]:
    return [asyncio.ensure_future(aw) for aw in aws]


async def outcomes(tasks: Sequence[asyncio.Future[T]]) -> list[T | str]:
    """Each task's result, or a string naming its exception; every task must end."""
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), GUARD)
    return [f"{type(r).__name__}: {r}" if isinstance(r, BaseException) else r for r in results]


async def collect(rx: ReceiveChannel[int]) -> list[int]:
    return [item async for item in rx]


def stats(end: SendChannel[int] | ReceiveChannel[int]) -> tuple[int, int, int, int]:
    """(open senders, open receivers, waiting putters, waiting getters)."""
    st = end.statistics()
    return (st.open_senders, st.open_receivers, st.waiting_putters, st.waiting_getters)


# -- clones and the last sender --------------------------------------------------------------------


async def test_the_channel_ends_when_its_last_send_handle_closes() -> None:
    ch: Channel[int] = Channel()
    tx1 = ch.sender.clone()
    tx2 = tx1.clone()
    assert type(tx1) is type(ch.sender)
    assert stats(ch) == (3, 1, 0, 0)
    ch.close()  # the channel's own send handle
    assert ch.sender.closed()
    assert not ch.closed()  # its receive handle is open, and so is the channel
    with pytest.raises(ChannelClosed, match=f"^{HANDLE_CLOSED}$"):
        ch.put_nowait(0)
    with pytest.raises(ChannelClosed, match=f"^{HANDLE_CLOSED}$"):
        await ch.sender.put(0)
    await tx1.put(1)
    tx1.close()
    tx1.close()  # idempotent
    assert tx1.closed()
    assert not tx2.closed()
    tx2.put_nowait(2)
    assert stats(ch) == (1, 1, 0, 0)
    joiner = spawn([ch.join()])
    with tx2:
        pass
    assert ch.statistics().closed
    assert await collect(ch) == [1, 2]
    assert await outcomes(joiner) == [None]
    with pytest.raises(ChannelClosed, match=f"^{CLOSED}$"):
        tx1.put_nowait(3)  # the channel's message, now that it is closed


async def test_closing_through_a_view_closes_the_channels_own_handle() -> None:
    ch: Channel[int] = Channel()
    tx = ch.sender
    clone = ch.clone()
    tx.close()
    assert ch.sender.closed()
    with pytest.raises(ChannelClosed, match=f"^{HANDLE_CLOSED}$"):
        ch.put_nowait(1)  # the same handle
    clone.put_nowait(2)
    assert ch.get_nowait() == 2
    assert str(ch.sender) == "<SendChannel maxsize=0 qsize=0 closed>"
    assert str(ch) == "<Channel maxsize=0 qsize=0>"
    ch.hang_up()
    assert ch.closed()  # both of its handles are
    assert str(ch.receiver) == "<ReceiveChannel maxsize=0 qsize=0 closed>"
    assert not clone.closed()


async def test_a_view_made_after_its_handle_closed_is_closed() -> None:
    ch: Channel[int] = Channel()
    keep = ch.clone()
    ch.close()
    ch.hang_up()
    assert ch.sender.closed()
    assert ch.receiver.closed()
    with pytest.raises(ChannelClosed, match=f"^{HUNG_UP}$"):
        ch.receiver.get_nowait()
    assert not keep.closed()


async def test_clone_of_a_channel() -> None:
    ch: Channel[int] = Channel(2)
    twin = ch.clone()
    assert type(twin) is Channel
    assert twin is not ch
    assert twin.sender is not ch.sender
    assert stats(ch) == (2, 2, 0, 0)
    twin.put_nowait(1)
    assert ch.get_nowait() == 1
    ch.close()
    ch.hang_up()
    assert not twin.closed()
    twin.put_nowait(2)
    assert twin.receiver.get_nowait() == 2
    twin.close()
    assert twin.statistics().closed


async def test_cloning_a_closed_handle_or_channel_raises() -> None:
    ch: Channel[int] = Channel()
    tx = ch.sender.clone()
    rx = ch.receiver.clone()
    tx.close()
    with pytest.raises(ChannelClosed, match=f"^{HANDLE_CLOSED}$"):
        tx.clone()
    rx.hang_up()
    with pytest.raises(ChannelClosed, match=f"^{HUNG_UP}$"):
        rx.clone()
    other: Channel[int] = Channel()
    keep = other.clone()
    other.close()  # only other's send handle
    with pytest.raises(ChannelClosed, match=f"^{HANDLE_CLOSED}$"):
        other.clone()
    keep2 = keep.clone()
    keep.hang_up()
    with pytest.raises(ChannelClosed, match=f"^{HUNG_UP}$"):
        keep.clone()
    keep2.close()
    keep.close()  # the last send handle: the channel closes
    for end in (other, other.receiver, keep2, keep2.sender, keep2.receiver):
        with pytest.raises(ChannelClosed, match=f"^{CLOSED}$"):
            end.clone()
    assert stats(other) == (0, 2, 0, 0)  # other's and keep2's receive handles
    assert stats(ch) == (1, 1, 0, 0)  # ch's own handles (tx closed, rx hung up)


# -- hang-up ---------


async def test_the_last_receiver_hanging_up_discards_everything_and_fails_the_putters() -> None:
    ch: Channel[int] = Channel(2)
    ch.put_nowait(0)
    ch.put_nowait(1)
    rx = ch.receiver.clone()
    putters = spawn(ch.put(i) for i in (2, 3))
    joiners = spawn([ch.join()])
    await settle()
    ch.hang_up()
    assert not ch.statistics().closed  # rx is still open
    assert rx.get_nowait() == 0  # and is served; the slot goes to the oldest putter
    await settle()
    assert await outcomes(putters[:1]) == [None]
    rx.hang_up()  # the last one
    assert ch.closed()
    assert ch.qsize() == 0  # 1 and 2 are discarded
    assert await outcomes(putters[1:]) == [f"ChannelClosed: {ALL_HUNG_UP}"]
    assert await outcomes(joiners) == [None]
    for tx in (ch, ch.sender):
        with pytest.raises(ChannelClosed, match=f"^{ALL_HUNG_UP}$"):
            tx.put_nowait(9)
    with pytest.raises(ChannelClosed, match=f"^{ALL_HUNG_UP}$"):
        await ch.put(9)
    await asyncio.wait_for(ch.join(), GUARD)
    st = ch.statistics()
    assert (st.qsize, st.peak_qsize, st.open_senders, st.open_receivers, st.closed) == (
        0,
        2,
        1,
        0,
        True,
    )


async def test_items_promised_to_getters_that_have_not_resumed_are_discarded_too() -> None:
    ch: Channel[int] = Channel()
    getter = spawn([ch.get()])
    await settle()
    ch.put_nowait(5)  # promised; the getter has not resumed
    ch.hang_up()  # the last receive handle: the channel's message says so
    assert await outcomes(getter) == [f"ChannelClosed: {ALL_HUNG_UP}"]
    await asyncio.wait_for(ch.join(), GUARD)
    assert ch.qsize() == 0


async def test_hanging_up_a_consumers_handle_stops_only_that_consumer() -> None:
    ch: Channel[int] = Channel()
    rx1, rx2 = ch.receiver.clone(), ch.receiver.clone()
    first = spawn([collect(rx1), rx1.get(), rx1.get()])
    second = spawn([rx2.get()])
    await settle()
    assert stats(ch) == (1, 3, 0, 4)
    rx1.hang_up()
    assert await outcomes(first) == [[], f"ChannelClosed: {HUNG_UP}", f"ChannelClosed: {HUNG_UP}"]
    assert stats(ch) == (1, 2, 0, 1)
    ch.put_nowait(1)
    assert await outcomes(second) == [1]
    with pytest.raises(ChannelClosed, match=f"^{HUNG_UP}$"):
        rx1.get_nowait()
    with pytest.raises(ChannelClosed, match=f"^{HUNG_UP}$"):
        await rx1.get()
    assert await collect(rx1) == []
    rx1.hang_up()  # idempotent
    assert stats(ch) == (1, 2, 0, 0)


async def test_a_promise_held_through_a_handle_that_hangs_up_passes_on() -> None:
    ch: Channel[int] = Channel()
    rx1 = ch.receiver.clone()
    mine = spawn([rx1.get()])
    await settle()
    others = spawn([ch.get()])
    await settle()
    ch.put_nowait(7)  # promised to mine, which has not resumed
    rx1.hang_up()
    assert await outcomes(mine + others) == [f"ChannelClosed: {HUNG_UP}", 7]


async def test_a_slot_granted_through_a_handle_that_closes_passes_on() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    tx = ch.sender.clone()
    mine = spawn([tx.put(1)])
    await settle()
    others = spawn([ch.put(2)])
    await settle()
    assert ch.get_nowait() == 0  # grants mine the slot; it has not resumed
    tx.close()
    assert await outcomes(mine + others) == [f"ChannelClosed: {HANDLE_CLOSED}", None]
    assert list(ch) == [2]


async def test_waits_through_a_closed_handle_end_others_go_on() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    tx1 = ch.sender.clone()
    tx2 = ch.sender.clone()
    waits1 = spawn([tx1.put(1), tx1.put(2)])
    waits2 = spawn([tx2.put(3)])
    await settle()
    assert stats(ch) == (3, 1, 3, 0)
    tx1.close()
    assert await outcomes(waits1) == [f"ChannelClosed: {HANDLE_CLOSED}"] * 2
    assert stats(ch) == (2, 1, 1, 0)
    assert ch.get_nowait() == 0
    assert await outcomes(waits2) == [None]
    assert list(ch) == [3]


async def test_waiting_puts_from_before_the_first_clone_belong_to_the_original() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    old = spawn([ch.put(1)])
    await settle()
    tx = ch.sender.clone()  # the waiting put waits through ch's own handle
    new = spawn([tx.put(2)])
    await settle()
    ch.close()
    assert await outcomes(old) == [f"ChannelClosed: {HANDLE_CLOSED}"]
    await settle()
    assert not new[0].done()
    assert ch.get_nowait() == 0
    assert await outcomes(new) == [None]


# -- the worker pool -------------------------------------------------------------------------------


async def test_worker_pool_with_handles() -> None:
    """N producers each with a clone, the original closed; M consumers each with a receive
    clone; the channel ends after the last producer; a consumer leaving does not stop the others,
    and once the last leaves, blocked producers fail at once."""
    ch: Channel[int] = Channel(4)
    received: list[int] = []

    async def produce(tx: SendChannel[int], base: int) -> None:
        async with tx:
            for i in range(base, base + 50):
                await tx.put(i)
                await asyncio.sleep(0)

    async def consume(rx: ReceiveChannel[int], leave_after: int | None) -> None:
        n = 0
        async for item in rx:
            received.append(item)
            n += 1
            if n == leave_after:
                rx.hang_up()

    with ch.sender as tx:
        producers = spawn(produce(tx.clone(), 1000 * p) for p in range(3))
    consumers = spawn(consume(ch.receiver.clone(), after) for after in (None, None, 5))
    ch.hang_up()
    assert await outcomes(producers) == [None] * 3
    assert await outcomes(consumers) == [None] * 3
    assert sorted(received) == [1000 * p + i for p in range(3) for i in range(50)]
    await asyncio.wait_for(ch.join(), GUARD)

    # Now every consumer leaves while producers are blocked.
    ch2: Channel[int] = Channel(1)
    with ch2.sender as tx2:
        blocked = spawn(produce(tx2.clone(), 0) for _ in range(2))
    readers = [ch2.receiver.clone() for _ in range(2)]
    ch2.hang_up()
    await settle()
    readers[0].hang_up()
    await settle()
    assert not any(t.done() for t in blocked)
    readers[1].hang_up()
    assert await outcomes(blocked) == [f"ChannelClosed: {ALL_HUNG_UP}"] * 2


# -- close(error) ----------------------------------------------------------------------------------


async def test_close_with_an_error_fails_the_stream_after_the_drain() -> None:
    ch: Channel[int] = Channel(1)
    other = ch.sender.clone()  # open: does not keep the stream alive once it failed
    ch.put_nowait(1)
    putters = spawn([other.put(2)])
    await settle()
    boom = ValueError("boom")
    ch.sender.clone().close(boom)
    assert ch.statistics().closed
    message = "channel is closed with an error: ValueError('boom')"
    assert await outcomes(putters) == [f"ChannelClosed: {message}"]
    assert ch.get_nowait() == 1  # buffered items are drained first
    for get in (ch.get_nowait, ch.receiver.get_nowait):
        with pytest.raises(ChannelClosed, match=r"^channel is closed with an error") as info:
            get()
        assert info.value.__cause__ is boom
    with pytest.raises(ChannelClosed) as info:
        await ch.get()
    assert info.value.__cause__ is boom
    with pytest.raises(ChannelClosed) as info:
        async for _ in ch:
            pass
    assert info.value.__cause__ is boom
    with pytest.raises(ChannelClosed) as info:
        other.put_nowait(3)
    assert info.value.__cause__ is boom
    ch.close(RuntimeError("later"))  # ignored
    with pytest.raises(ChannelClosed) as info:
        ch.get_nowait()
    assert info.value.__cause__ is boom
    await asyncio.wait_for(ch.join(), GUARD)


async def test_close_with_an_error_wakes_waiting_getters_with_it() -> None:
    ch: Channel[int] = Channel()
    getters = spawn([ch.get(), collect(ch.receiver)])
    await settle()
    boom = KeyError("k")
    ch.close(boom)
    results = await asyncio.wait_for(asyncio.gather(*getters, return_exceptions=True), GUARD)
    assert all(isinstance(r, ChannelClosed) and r.__cause__ is boom for r in results)


async def test_an_error_through_a_closed_handle_still_fails_an_open_channel() -> None:
    ch: Channel[int] = Channel()
    tx = ch.sender.clone()
    tx.close()
    assert not ch.statistics().closed
    tx.close(OSError("late failure"))
    with pytest.raises(ChannelClosed) as info:
        ch.get_nowait()
    assert isinstance(info.value.__cause__, OSError)


@pytest.mark.parametrize("bad", ["boom", ValueError, 3])
def test_close_rejects_what_is_not_an_exception(bad: object) -> None:
    ch: Channel[int] = Channel()
    with pytest.raises(TypeError, match=r"^close\(\) takes an exception instance or None, got "):
        ch.close(bad)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert not ch.closed()
    ch.put_nowait(1)


@pytest.mark.parametrize("how", ["with", "async with"])
@pytest.mark.parametrize("raised", [ValueError("v"), KeyboardInterrupt(), asyncio.CancelledError()])
async def test_leaving_with_by_an_exception_closes_with_it(how: str, raised: BaseException) -> None:
    ch: Channel[int] = Channel()
    if how == "with":
        with pytest.raises(type(raised)), ch.sender:
            raise raised
    else:
        with pytest.raises(type(raised)):
            async with ch.sender:
                raise raised
    with pytest.raises(ChannelClosed) as info:
        ch.get_nowait()
    assert info.value.__cause__ is raised


async def test_leaving_with_normally_closes_without_an_error() -> None:
    ch: Channel[int] = Channel()
    async with ch.sender as tx:
        await tx.put(1)
    assert [item async for item in ch] == [1]


# -- statistics ------------------------------------------------------------------------------------


async def test_statistics_count_waiters_that_still_wait() -> None:
    ch: Channel[int] = Channel(1)
    assert ch.statistics() == ChannelStatistics(1, 0, 0, 1, 1, 0, 0, False)
    ch.put_nowait(0)
    putters = spawn(ch.put(i) for i in (1, 2, 3))
    await settle()
    assert ch.sender.statistics() == ChannelStatistics(1, 1, 1, 1, 1, 3, 0, False)
    putters[1].cancel()  # stops counting at once, before its task resumes
    assert ch.statistics().waiting_putters == 2
    assert ch.get_nowait() == 0  # the oldest is granted a slot: no longer waiting
    assert ch.statistics().waiting_putters == 1
    putters[2].cancel()
    await outcomes(putters)
    assert ch.receiver.statistics().waiting_putters == 0
    empty: Channel[int] = Channel()
    getters = spawn(empty.get() for _ in range(4))
    await settle()
    assert empty.statistics().waiting_getters == 4
    getters[0].cancel()
    assert empty.statistics().waiting_getters == 3
    empty.put_nowait(1)  # promised: that getter no longer waits
    assert empty.statistics().waiting_getters == 2
    empty.close()
    await outcomes(getters)
    # The item was promised at once: it never took room, and the peak stays 0.
    assert empty.statistics() == ChannelStatistics(0, 0, 0, 0, 1, 0, 0, True)


@pytest.mark.parametrize("maxsize", [0, 1, 3, 100])
@pytest.mark.parametrize("seed", range(6))
async def test_peak_qsize_is_the_highest_qsize_seen(maxsize: int, seed: int) -> None:
    """Against the maximum of qsize() observed after every operation, over random sequences of
    fast and slow puts and gets (the peak is tracked cheaply, not after every put)."""
    rng = random.Random(seed)
    ch: Channel[int] = Channel(maxsize)
    highest = 0
    for _ in range(3000):
        r = rng.random()
        burst = rng.choice((1, 1, 1, 5, 50))
        for _ in range(burst):
            try:
                if r < 0.55:
                    ch.put_nowait(0)
                elif r < 0.6:
                    if ch.full():
                        break
                    await ch.put(0)  # has room: does not wait
                else:
                    ch.get_nowait()
            except (ChannelFull, ChannelEmpty):
                break
            highest = max(highest, ch.qsize())
            assert ch.statistics().peak_qsize == highest
    assert highest > 0


async def test_peak_qsize_counts_items_that_came_back() -> None:
    ch: Channel[int] = Channel(1)
    getter = spawn([ch.get()])
    await settle()
    ch.put_nowait(1)  # promised
    ch.put_nowait(2)
    getter[0].cancel()
    await outcomes(getter)
    assert ch.qsize() == 2
    assert ch.statistics().peak_qsize == 2


def test_statistics_is_frozen_and_slotted() -> None:
    st = Channel[int]().statistics()
    with pytest.raises(AttributeError):
        st.qsize = 3  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    assert not hasattr(st, "__dict__")
    assert ChannelStatistics.__slots__ == (
        "maxsize",
        "qsize",
        "peak_qsize",
        "open_senders",
        "open_receivers",
        "waiting_putters",
        "waiting_getters",
        "closed",
        "dropped",  # issue 17
    )


# -- more orders of events -------------------------------------------------------------------------


async def test_an_error_after_the_channel_closed_is_ignored() -> None:
    ch: Channel[int] = Channel()
    tx = ch.sender.clone()
    tx.close()
    ch.put_nowait(1)
    ch.close()  # the last handle: closed without an error
    tx.close(ValueError("too late"))
    assert ch.get_nowait() == 1
    with pytest.raises(ChannelClosed, match=f"^{CLOSED}$") as info:
        ch.get_nowait()
    assert info.value.__cause__ is None


async def test_the_last_receiver_hanging_up_a_closed_channel_discards_what_is_left() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    ch.put_nowait(2)
    ch.close()
    joiner = spawn([ch.join()])
    await settle()
    assert not joiner[0].done()
    ch.hang_up()
    assert ch.qsize() == 0
    assert await outcomes(joiner) == [None]
    with pytest.raises(ChannelClosed, match=f"^{CLOSED}$"):
        ch.get_nowait()  # the channel's message: it was closed before it was hung up


async def test_a_kept_getter_after_close_is_dismissed_when_every_receiver_hangs_up() -> None:
    ch: Channel[int] = Channel()
    rx = ch.receiver.clone()
    getters = spawn([ch.get(), rx.get()])
    await settle()
    ch.put_nowait(1)  # promised to the first
    ch.close()  # the second keeps waiting: the promise may come back
    ch.hang_up()
    rx.hang_up()
    assert await outcomes(getters) == [f"ChannelClosed: {CLOSED}", f"ChannelClosed: {CLOSED}"]


async def test_waits_are_recorded_again_when_a_second_handle_reappears() -> None:
    """The first clone records the waiting calls (all through the handle it was cloned from);
    cancelled ones are skipped; after the count of handles went back to one and up again, every
    waiting call is known to the handle it waits through."""
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    first = spawn([ch.put(1), ch.put(2)])
    await settle()
    first[0].cancel()  # still in the line when the clone comes
    tx = ch.sender.clone()
    tx.close()  # back to one handle
    second = spawn([ch.put(3)])
    await settle()
    tx2 = ch.sender.clone()
    ch.close()  # ends both waits through ch's own handle
    assert await outcomes(first + second) == [
        "CancelledError: ",
        f"ChannelClosed: {HANDLE_CLOSED}",
        f"ChannelClosed: {HANDLE_CLOSED}",
    ]
    tx2.close()
    assert ch.get_nowait() == 0


async def test_a_putter_granted_a_slot_fails_if_another_handle_closes_the_channel() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    tx = ch.sender.clone()
    putter = spawn([tx.put(1)])
    await settle()
    assert ch.get_nowait() == 0  # grants the slot; the putter has not resumed
    ch.close(ValueError("stop"))
    assert await outcomes(putter) == [
        "ChannelClosed: channel is closed with an error: ValueError('stop')"
    ]
    assert ch.qsize() == 0
