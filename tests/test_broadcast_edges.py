"""Issue 17, at the edges: waiting puts that are closed or cancelled, waiters of closed loops,
other loops and threads, and the rest of the Broadcast and Watch send ends."""

from __future__ import annotations

import asyncio
import pickle
import threading
from collections.abc import Awaitable, Iterable, Sequence
from typing import TypeVar

import pytest
from _support import close_stranded, settle

from aiochannel import (
    Broadcast,
    Channel,
    ChannelClosed,
    ChannelEmpty,
    ChannelLagged,
    ReceiveChannel,
    Selected,
    Watch,
    merge,
    select,
)

T = TypeVar("T")
GUARD = 10.0


def spawn(aws: Iterable[Awaitable[T]]) -> list[asyncio.Future[T]]:
    return [asyncio.ensure_future(aw) for aw in aws]


async def outcomes(tasks: Sequence[asyncio.Future[T]]) -> list[T | str]:
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), GUARD)
    return [f"{type(r).__name__}: {r}" if isinstance(r, BaseException) else r for r in results]


async def test_closing_fails_the_waiting_puts_and_a_granted_one() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    b.put_nowait(0)
    waiting = spawn([b.put(1), b.put(2)])
    await settle()
    assert b.statistics().waiting_putters == 2
    assert sub.get_nowait() == 0  # grants the first put its slot; it has not resumed
    b.close()
    assert await outcomes(waiting) == ["ChannelClosed: channel is closed"] * 2
    with pytest.raises(ChannelClosed):
        await sub.get()


async def test_a_granted_put_whose_subscribers_all_left_frees_the_slot() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    b.put_nowait(0)
    waiting = spawn([b.put(1)])
    await settle()
    assert sub.get_nowait() == 0  # grants the slot
    sub.hang_up()  # nobody left to read it
    assert await outcomes(waiting) == [None]
    assert b.qsize() == 0


@pytest.mark.parametrize("when", ["waiting", "granted"])
async def test_a_cancelled_put_sent_nothing(when: str) -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    b.put_nowait(0)
    first = spawn([b.put(1)])
    await settle()
    second = spawn([b.put(2)])
    await settle()
    if when == "granted":
        assert sub.get_nowait() == 0  # the first is granted the slot, then cancelled
    first[0].cancel()
    if when == "waiting":
        await settle()
        assert sub.get_nowait() == 0
    assert await outcomes(first + second) == ["CancelledError: ", None]
    assert sub.get_nowait() == 2


async def test_a_send_handle_closes_on_leaving_with_and_async_with() -> None:
    b: Broadcast[int] = Broadcast(2)
    sub = b.subscribe()
    with b.clone() as tx:
        tx.put_nowait(1)
    assert tx.closed()
    boom = OSError("down")
    with pytest.raises(OSError, match="down"):
        async with b:
            raise boom
    assert sub.get_nowait() == 1
    with pytest.raises(ChannelClosed) as info:
        sub.get_nowait()
    assert info.value.__cause__ is boom
    b.close(RuntimeError("later"))  # ignored: closed already
    with pytest.raises(ChannelClosed, match=r"^channel is closed with an error: OSError"):
        b.clone()


async def test_an_error_through_a_closed_send_handle_fails_the_broadcast() -> None:
    b: Broadcast[int] = Broadcast(2)
    sub = b.subscribe()
    tx = b.clone()
    tx.close()
    tx.close(KeyError("k"))
    with pytest.raises(ChannelClosed) as info:
        await sub.get()
    assert isinstance(info.value.__cause__, KeyError)
    with pytest.raises(TypeError, match=r"^close\(\) takes an exception instance or None"):
        b.close("no")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def test_subscriber_queries_and_batches() -> None:
    b: Broadcast[int] = Broadcast(5)
    sub = b.subscribe()
    assert (sub.maxsize, sub.qsize(), sub.empty(), sub.closed()) == (5, 0, True, False)
    with pytest.raises(ChannelEmpty):
        sub.get_nowait_many(3)
    for i in range(4):
        b.put_nowait(i)
    assert sub.get_nowait_many(3) == [0, 1, 2]
    assert await sub.get_many(3) == [3]
    assert repr(sub) == "<Broadcast subscriber qsize=0>"
    st = sub.statistics()
    assert (st.qsize, st.open_receivers, st.waiting_getters) == (0, 1, 0)
    b.close()
    assert repr(sub) == "<Broadcast subscriber qsize=0 closed>"


def test_a_reader_of_a_closed_loop_counts_as_gone() -> None:
    b: Broadcast[int] = Broadcast(2)
    sub = b.subscribe()
    loop = asyncio.new_event_loop()
    stranded = loop.create_task(sub.get())
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    b.put_nowait(1)  # waking the stranded reader fails: it is passed over
    assert sub.get_nowait() == 1

    async def again() -> int:
        later = asyncio.ensure_future(sub.get())  # binds a new loop: the stranded one is reaped
        await asyncio.sleep(0)
        b.put_nowait(2)
        return await later

    assert asyncio.run(again()) == 2
    close_stranded(stranded)


def test_a_putter_and_a_joiner_of_a_closed_loop_are_reaped() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    b.put_nowait(0)
    loop = asyncio.new_event_loop()
    stranded = [loop.create_task(b.put(1)), loop.create_task(b.join())]
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()

    async def again() -> list[int]:
        reader = asyncio.ensure_future(sub.get_many(5))  # binds this loop: reaps the others
        await asyncio.sleep(0)
        return list(await reader)

    assert asyncio.run(again()) == [0]
    b.put_nowait(3)
    assert sub.get_nowait() == 3
    for task in stranded:
        close_stranded(task)


def test_a_wait_from_another_loop_is_refused() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        reader = first.create_task(sub.get())
        first.run_until_complete(asyncio.sleep(0))
        with pytest.raises(RuntimeError, match="in use by tasks of another event loop"):
            second.run_until_complete(b.subscribe().get())
        b.put_nowait(5)
        assert first.run_until_complete(reader) == 5
    finally:
        first.close()
        second.close()


def test_waking_from_another_thread_is_refused() -> None:
    b: Broadcast[int] = Broadcast(1)
    w: Watch[int] = Watch(0)
    bsub, wsub = b.subscribe(), w.subscribe()
    wsub.get_nowait()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever)
    thread.start()
    try:
        readers = [
            asyncio.run_coroutine_threadsafe(bsub.get(), loop),
            asyncio.run_coroutine_threadsafe(wsub.get(), loop),
        ]
        for _ in range(3):
            asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(GUARD)
        with pytest.raises(RuntimeError, match="thread other than"):
            b.put_nowait(1)
        with pytest.raises(RuntimeError, match="thread other than"):
            w.set(1)
        loop.call_soon_threadsafe(b.put_nowait, 2)
        loop.call_soon_threadsafe(w.set, 3)
        assert [f.result(GUARD) for f in readers] == [2, 3]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(GUARD)
    loop.close()
    # Its loop is closed now: the channel may be used from here again.
    b.put_nowait(4)
    assert bsub.get_nowait() == 4


async def test_watch_subscriber_queries_clone_and_hang_up() -> None:
    w: Watch[str] = Watch("a")
    sub = w.subscribe()
    assert (sub.maxsize, sub.qsize(), sub.empty()) == (0, 1, False)
    twin = sub.clone()
    assert (sub.get_nowait(), twin.get_nowait()) == ("a", "a")
    assert w.statistics().open_receivers == 2
    waiting = spawn([twin.get()])
    await settle()
    twin.hang_up()
    assert await outcomes(waiting) == ["ChannelClosed: this receive handle has hung up"]
    assert w.statistics().open_receivers == 1
    assert repr(w) == "<Watch value='a'>"
    assert repr(w.sender).startswith("<SendChannel of Watch value='a'>")


async def test_watch_join_and_send_handles() -> None:
    w: Watch[int] = Watch(0)
    tx = w.sender
    assert tx is w.sender
    joiner = spawn([tx.join()])
    await settle()
    assert not joiner[0].done()
    clone = tx.clone()
    with clone:
        clone.put_nowait(1)
    assert clone.closed()
    with pytest.raises(ChannelClosed, match=r"^this send handle is closed$"):
        clone.put_nowait(2)
    assert clone.statistics().open_senders == 1
    async with tx:
        await tx.put(3)
    assert await outcomes(joiner) == [None]
    assert w.closed()
    await asyncio.wait_for(w.subscribe().join(), GUARD)
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        tx.clone()
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        clone.put_nowait(4)
    w.close()  # idempotent
    tx.close(ValueError("ignored"))


async def test_a_closed_watch_clone_refuses_and_an_error_closes_at_once() -> None:
    w: Watch[int] = Watch(0)
    tx = w.sender.clone()
    sub: ReceiveChannel[int] = w.subscribe()
    w.close(LookupError("gone"))
    assert sub.get_nowait() == 0
    with pytest.raises(ChannelClosed) as info:
        sub.get_nowait()
    assert isinstance(info.value.__cause__, LookupError)
    with pytest.raises(ChannelClosed):
        tx.clone()


async def test_puts_through_an_open_handle_fail_when_another_closes_the_broadcast() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    tx = b.clone()
    b.put_nowait(0)
    waiting = spawn([tx.put(1), tx.put(2)])
    await settle()
    assert sub.get_nowait() == 0  # the first is granted the slot, and has not resumed
    b.close(ValueError("stop"))
    message = "ChannelClosed: channel is closed with an error: ValueError('stop')"
    assert await outcomes(waiting) == [message, message]
    with pytest.raises(ChannelClosed, match=r"^channel is closed with an error"):
        tx.clone()  # tx itself is open, the broadcast is not
    tx.close()
    tx.close()  # idempotent


def test_a_new_wait_reaps_readers_putters_and_joiners_of_a_closed_loop() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    b.put_nowait(0)
    other = b.subscribe()
    loop = asyncio.new_event_loop()
    stranded = [
        loop.create_task(other.get_many(2)),  # takes 0, then waits
        loop.create_task(b.put(1)),  # waits for sub
        loop.create_task(b.join()),
    ]
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    assert b.statistics().waiting_putters == 1

    async def again() -> int:
        reader = asyncio.ensure_future(b.subscribe().get())  # binds this loop: reaps the rest
        await asyncio.sleep(0)
        assert b.statistics().waiting_putters == 0
        assert sub.get_nowait() == 0
        b.put_nowait(2)
        return await reader

    assert asyncio.run(again()) == 2
    for task in stranded:
        close_stranded(task)


def test_a_select_reaps_a_reader_woken_in_a_closed_loop() -> None:
    w: Watch[int] = Watch(0)
    sub = w.subscribe()
    sub.get_nowait()
    loop = asyncio.new_event_loop()
    stranded = loop.create_task(sub.get())
    loop.run_until_complete(asyncio.sleep(0))
    w.set(1)  # wakes the reader, which never resumes: the value is reserved for it
    loop.close()
    with pytest.raises(ChannelEmpty):
        sub.get_nowait()

    idle = Broadcast[int](1).subscribe()

    async def again() -> int:
        sel = await select(sub, idle)  # binds this loop: the woken reader is reaped
        return sel.item

    assert asyncio.run(again()) == 1
    close_stranded(stranded)


def test_waking_from_another_thread_after_its_loop_closed_reaps() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever)
    thread.start()
    reader = asyncio.run_coroutine_threadsafe(sub.get(), loop)
    asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(GUARD)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(GUARD)
    loop.close()
    b.put_nowait(1)  # from this thread: the reader's loop is closed, so it is reaped
    assert sub.get_nowait() == 1
    assert not reader.done()


async def test_select_reports_a_drained_subscriber_and_merge_counts_its_items() -> None:
    b: Broadcast[int] = Broadcast(2)
    sub = b.subscribe()
    b.put_nowait(1)
    merged = merge(sub, Watch(0).subscribe())
    assert merged.qsize() == 2
    assert {merged.get_nowait(), merged.get_nowait()} == {0, 1}
    b.close()
    sel = await select(sub)
    assert sel.closed
    sub.hang_up()
    sub.hang_up()  # idempotent
    assert (await select(sub)).closed


async def test_a_reader_dismissed_then_cancelled_before_it_resumes() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    reader = spawn([sub.get()])
    await settle()
    b.close()  # dismisses the reader
    reader[0].cancel()  # before it resumes
    assert await outcomes(reader) == ["CancelledError: "]


def test_channel_lagged_pickles() -> None:
    lag = pickle.loads(pickle.dumps(ChannelLagged(4)))
    assert (type(lag), lag.missed, str(lag)) == (
        ChannelLagged,
        4,
        "subscriber lagged behind and missed 4 items",
    )


async def test_a_cancelled_join_leaves() -> None:
    b: Broadcast[int] = Broadcast(1)
    w: Watch[int] = Watch(0)
    joiners = spawn([b.join(), w.sender.join()])
    await settle()
    for joiner in joiners:
        joiner.cancel()
    assert await outcomes(joiners) == ["CancelledError: "] * 2
    b.close()
    w.close()
    await asyncio.wait_for(b.join(), GUARD)


def test_a_stranded_select_on_a_subscriber_withdraws_nothing() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    loop = asyncio.new_event_loop()
    task = loop.create_task(select(sub, Broadcast[int](1).subscribe()))
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    close_stranded(task)  # its withdrawal, from a closed loop, touches nothing
    b.put_nowait(1)
    assert sub.get_nowait() == 1


def test_a_join_stranded_in_a_closed_loop_is_left_alone() -> None:
    w: Watch[int] = Watch(0)
    loop = asyncio.new_event_loop()
    task = loop.create_task(w.sender.join())
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    close_stranded(task)  # from a closed loop: it does not touch the watch's joiners
    w.close()


def test_a_put_stranded_in_a_closed_loop_is_left_alone() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    b.put_nowait(0)
    loop = asyncio.new_event_loop()
    task = loop.create_task(b.put(1))
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    assert b.statistics().waiting_putters == 1
    close_stranded(task)  # from a closed loop: it leaves the broadcast as it was
    assert sub.get_nowait() == 0


async def test_a_put_through_an_open_handle_of_a_closed_broadcast_raises() -> None:
    b: Broadcast[int] = Broadcast(1)
    tx = b.clone()
    b.close(ValueError("v"))
    with pytest.raises(ChannelClosed, match=r"^channel is closed with an error: ValueError"):
        tx.put_nowait(1)
    with pytest.raises(ChannelClosed):
        await tx.put(1)


@pytest.mark.parametrize("hub", ["Broadcast", "Watch"])
async def test_readers_left_waiting_behind_the_last_item_end_once_it_is_read(hub: str) -> None:
    """Two readers of one subscriber, one item, then close: the first reader takes the item;
    the second, which was still waiting behind it, is told closed instead of waiting forever."""
    b: Broadcast[int] = Broadcast(4)
    w = Watch(0)
    sub = b.subscribe() if hub == "Broadcast" else w.subscribe()
    if hub == "Watch":
        assert sub.get_nowait() == 0
    first, second = spawn([sub.get(), sub.get()])
    await settle()
    if hub == "Broadcast":
        b.put_nowait(1)
        b.close()
    else:
        w.set(1)
        w.close()
    assert await outcomes([first, second]) == [1, "ChannelClosed: channel is closed"]
    assert sub.statistics().waiting_getters == 0


async def test_a_lagged_subscriber_counts_only_the_items_kept() -> None:
    b: Broadcast[int] = Broadcast(2, overflow="drop_oldest")
    sub = b.subscribe()
    for i in range(5):
        b.put_nowait(i)
    assert (sub.qsize(), sub.statistics().qsize, sub.empty()) == (2, 2, False)
    assert repr(sub) == "<Broadcast subscriber qsize=2>"
    with pytest.raises(ChannelLagged):
        sub.get_nowait()
    assert (sub.qsize(), sub.get_nowait_many(5)) == (2, [3, 4])


async def test_a_dropped_subscriber_hangs_up() -> None:
    b: Broadcast[int] = Broadcast(1)
    kept, dropped = b.subscribe(), b.subscribe()
    b.put_nowait(1)
    assert kept.get_nowait() == 1
    assert b.full()
    putter = asyncio.ensure_future(b.put(2))
    await settle()
    del dropped  # the put waited for it alone
    await asyncio.wait_for(putter, GUARD)
    assert b.statistics().open_receivers == 1
    assert kept.get_nowait() == 2
    w = Watch(0)
    viewer = w.subscribe()
    assert w.statistics().open_receivers == 1
    del viewer
    assert w.statistics().open_receivers == 0


def test_a_subscriber_dropped_in_another_thread_hangs_up_on_the_loop() -> None:
    b: Broadcast[int] = Broadcast(1)
    subs = [b.subscribe()]
    b.put_nowait(1)

    async def main() -> tuple[int, int]:
        putter = asyncio.ensure_future(b.put(2))
        await settle()
        thread = threading.Thread(target=subs.clear)
        thread.start()
        thread.join()
        receivers_before = b.statistics().open_receivers  # nothing changed in that thread
        await asyncio.wait_for(putter, GUARD)
        return receivers_before, b.statistics().open_receivers

    assert asyncio.run(main()) == (1, 0)


def test_a_subscriber_dropped_after_its_loop_closed_hangs_up_at_once() -> None:
    b: Broadcast[int] = Broadcast(1)
    subs = [b.subscribe(), b.subscribe()]

    async def wait_once() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(subs[0].get(), 0.001)

    asyncio.run(wait_once())  # binds the hub to a loop that is now closed
    del subs[1]
    assert b.statistics().open_receivers == 1


# -- found by review: hang-ups of woken readers, lags in batches, re-entry, threads ---------------


@pytest.mark.parametrize("hub", ["Broadcast", "Watch"])
async def test_a_reader_woken_and_not_resumed_when_its_subscriber_hangs_up_reads_nothing(
    hub: str,
) -> None:
    b: Broadcast[str] = Broadcast(4)
    w = Watch("")
    sub, other = (b.subscribe(), b.subscribe()) if hub == "Broadcast" else (w.subscribe(), None)
    if hub == "Watch":
        sub.get_nowait()
    selector, reader = spawn([select(sub), sub.get()])
    await settle()
    if hub == "Broadcast":
        b.put_nowait("x")  # wakes both
        b.put_nowait("y")
    else:
        w.set("x")  # wakes the select
    sub.hang_up()  # before they resume
    selected, got = await outcomes([selector, reader])
    assert got == "ChannelClosed: this receive handle has hung up"
    assert isinstance(selected, Selected)
    assert selected.closed
    assert sub.statistics().waiting_getters == 0
    with pytest.raises(ChannelClosed):
        sub.get_nowait()
    if other is not None:  # the items were not counted off twice
        assert (other.qsize(), other.get_nowait_many(5), b.qsize()) == (2, ["x", "y"], 0)
    else:
        viewer, ch = w.subscribe(), Channel[str]()
        ch.put_nowait("c")
        assert merge(ch, viewer).get_nowait_many(5) == ["c", "x"]


async def test_a_batch_of_a_merged_end_stops_before_a_subscriber_that_missed_items() -> None:
    ch: Channel[str] = Channel()
    b: Broadcast[str] = Broadcast(1, overflow="drop_oldest")
    sub = b.subscribe()
    b.put_nowait("1")
    b.put_nowait("2")  # sub missed "1"
    ch.put_nowait("a")
    ch.put_nowait("b")
    merged = merge(ch, sub)
    assert merged.get_nowait_many(10) == ["a"]  # stops at the lagged input, losing nothing
    with pytest.raises(ChannelLagged) as info:
        merged.get_nowait_many(10)  # the next get says so, and takes nothing
    assert info.value.missed == 1
    assert sorted(merged.get_nowait_many(10)) == ["2", "b"]


def test_a_subscriber_freed_while_the_head_is_released_hangs_up_cleanly() -> None:
    """The only reference to a subscriber is in an item: releasing that item frees it, and its
    hang-up (at once: no loop bound) runs in the middle of the release."""

    class Box:
        sub: ReceiveChannel[object] | None = None

    b: Broadcast[object] = Broadcast(8)
    a, c = b.subscribe(), b.subscribe()
    box = Box()
    b.put_nowait(box)
    box.sub = b.subscribe()
    del box
    b.put_nowait("x1")
    b.put_nowait("x2")
    assert isinstance(a.get_nowait(), Box)
    c.hang_up()  # releases the box, which hangs up box.sub
    assert [a.get_nowait(), a.get_nowait()] == ["x1", "x2"]
    assert (b.statistics().open_receivers, b.qsize()) == (1, 0)
    with pytest.raises(ChannelEmpty):
        a.get_nowait()


def test_reading_the_head_from_another_thread_while_a_put_waits_is_refused() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    b.put_nowait(1)

    async def main() -> tuple[str, int, bool]:
        putter = asyncio.ensure_future(b.put(2))
        await settle()
        outcome: list[str] = []

        def read() -> None:
            try:
                outcome.append(repr(sub.get_nowait()))
            except RuntimeError as exc:
                outcome.append(type(exc).__name__)

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        waiting = not putter.done()
        assert sub.get_nowait() == 1  # nothing was taken by the refused read
        await asyncio.wait_for(putter, GUARD)
        return outcome[0], sub.get_nowait(), waiting

    assert asyncio.run(main()) == ("RuntimeError", 2, True)


def test_a_reader_that_timed_out_leaves_nothing_for_other_threads_to_trip_on() -> None:
    """Nothing waits once the reads timed out: a put or a set from another thread, while the
    loop still runs, is accepted (as for a channel)."""
    b: Broadcast[int] = Broadcast(2)
    w = Watch(0)
    subs = [b.subscribe(), w.subscribe()]
    subs[1].get_nowait()
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            b.put_nowait(1)
            w.set(1)
        except RuntimeError as exc:
            errors.append(exc)

    async def main() -> None:
        for sub in subs:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(sub.get(), 0.001)
        thread = threading.Thread(target=produce)
        thread.start()
        thread.join()

    asyncio.run(main())
    assert errors == []
    assert (subs[0].get_nowait(), subs[1].get_nowait()) == (1, 1)
