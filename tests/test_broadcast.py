"""Issue 17: Broadcast (every subscriber gets every item) and Watch (the latest value)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Iterable, Sequence
from typing import TypeVar

import pytest
from _support import settle

from aiochannel import (
    Broadcast,
    ChannelClosed,
    ChannelEmpty,
    ChannelFull,
    ChannelLagged,
    ReceiveChannel,
    SendChannel,
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


async def collect(rx: ReceiveChannel[T]) -> list[T]:
    return [item async for item in rx]


# -- Broadcast -------------------------------------------------------------------------------------


async def test_every_subscriber_gets_every_item_put_after_it_subscribed() -> None:
    b: Broadcast[int] = Broadcast(10)
    early = b.subscribe()
    b.put_nowait(1)
    late = b.subscribe()
    b.put_nowait(2)
    readers = spawn([collect(early), collect(late)])
    await settle()
    await b.put(3)
    b.close()
    assert await outcomes(readers) == [[1, 2, 3], [2, 3]]
    assert await collect(b.subscribe()) == []  # subscribing to a closed broadcast: drained


async def test_the_slowest_subscriber_sets_the_pace_and_hanging_up_releases_it() -> None:
    b: Broadcast[int] = Broadcast(2)
    fast, slow = b.subscribe(), b.subscribe()
    b.put_nowait(1)
    b.put_nowait(2)
    assert [fast.get_nowait(), fast.get_nowait()] == [1, 2]
    assert b.full()
    assert b.qsize() == 2  # the slow one has read nothing
    with pytest.raises(ChannelFull, match=r"^channel is full \(maxsize=2\)$"):
        b.put_nowait(3)
    putter = spawn([b.put(3)])
    await settle()
    assert not putter[0].done()
    assert slow.get_nowait() == 1  # a slot frees up: granted to the waiting put
    assert await outcomes(putter) == [None]
    slow.hang_up()  # the slow one leaves: no longer waited for
    b.put_nowait(4)
    assert [fast.get_nowait(), fast.get_nowait()] == [3, 4]
    assert b.qsize() == 0
    st = b.statistics()
    assert (st.open_receivers, st.open_senders, st.peak_qsize) == (1, 1, 2)


async def test_with_no_subscriber_a_put_goes_to_nobody() -> None:
    b: Broadcast[int] = Broadcast(1)
    for i in range(5):
        b.put_nowait(i)
    assert b.qsize() == 0
    assert not b.full()


async def test_drop_oldest_never_waits_and_reports_the_lag() -> None:
    b: Broadcast[int] = Broadcast(2, overflow="drop_oldest")
    sub = b.subscribe()
    for i in range(5):
        await asyncio.wait_for(b.put(i), 1)
    assert not b.full()
    with pytest.raises(
        ChannelLagged, match=r"^subscriber lagged behind and missed 3 items$"
    ) as info:
        await sub.get()
    assert info.value.missed == 3
    assert [sub.get_nowait(), sub.get_nowait()] == [3, 4]
    assert b.statistics().dropped == 3


async def test_subscribers_and_readers_are_cancel_safe() -> None:
    b: Broadcast[int] = Broadcast(4)
    sub = b.subscribe()
    first = spawn([sub.get()])
    await settle()
    second = spawn([sub.get()])
    await settle()
    b.put_nowait(1)  # the first reader is woken for it
    first[0].cancel()  # before it resumes: its turn passes to the second
    assert await outcomes(first + second) == ["CancelledError: ", 1]
    b.put_nowait(2)
    assert sub.get_nowait() == 2


async def test_clone_is_another_subscriber_at_the_same_position() -> None:
    b: Broadcast[int] = Broadcast(4)
    sub = b.subscribe()
    b.put_nowait(1)
    b.put_nowait(2)
    assert sub.get_nowait() == 1
    twin = sub.clone()
    assert twin.get_nowait() == 2
    assert sub.get_nowait() == 2
    assert b.statistics().open_receivers == 2
    sub.hang_up()
    with pytest.raises(ChannelClosed, match=r"^this receive handle has hung up$"):
        sub.clone()
    with pytest.raises(ChannelClosed, match=r"^this receive handle has hung up$"):
        sub.get_nowait()


async def test_hang_up_ends_the_reads_waiting_on_that_subscriber() -> None:
    b: Broadcast[int] = Broadcast(2)
    sub, other = b.subscribe(), b.subscribe()
    waiting = spawn([sub.get(), collect(sub), other.get()])
    await settle()
    sub.hang_up()
    b.put_nowait(7)
    assert await outcomes(waiting) == ["ChannelClosed: this receive handle has hung up", [], 7]


async def test_close_with_an_error_and_send_handles() -> None:
    b: Broadcast[str] = Broadcast(3)
    sub = b.subscribe()
    tx = b.clone()
    b.put_nowait("a")
    b.close()
    assert not b.statistics().closed  # tx is open
    with pytest.raises(ChannelClosed, match=r"^this send handle is closed$"):
        b.put_nowait("b")
    tx.put_nowait("b")
    boom = ValueError("producer failed")
    tx.close(boom)
    assert [sub.get_nowait(), sub.get_nowait()] == ["a", "b"]
    with pytest.raises(ChannelClosed) as info:
        await sub.get()
    assert info.value.__cause__ is boom
    with pytest.raises(ChannelClosed) as info:
        async for _ in sub:
            pass
    assert info.value.__cause__ is boom
    with pytest.raises(ChannelClosed):
        tx.clone()


async def test_a_put_waiting_through_a_handle_that_closes_ends() -> None:
    b: Broadcast[int] = Broadcast(1)
    sub = b.subscribe()
    b.put_nowait(0)
    tx = b.clone()
    waiting = spawn([tx.put(1), b.put(2)])
    await settle()
    tx.close()
    assert sub.get_nowait() == 0  # the slot goes to the other put
    assert await outcomes(waiting) == ["ChannelClosed: this send handle is closed", None]
    assert sub.get_nowait() == 2


async def test_join_waits_for_every_subscriber_to_read_everything() -> None:
    b: Broadcast[int] = Broadcast(2)
    sub = b.subscribe()
    b.put_nowait(1)
    b.close()
    joiner = spawn([b.join()])
    await settle()
    assert not joiner[0].done()
    assert sub.get_nowait() == 1
    assert await outcomes(joiner) == [None]
    await asyncio.wait_for(sub.join(), GUARD)


async def test_subscribers_work_with_select_and_merge() -> None:
    b: Broadcast[int] = Broadcast(2)
    w: Watch[str] = Watch("x")
    bsub, wsub = b.subscribe(), w.subscribe()
    sel = await select(bsub, wsub)
    assert (sel.channel is wsub, sel.item) == (True, "x")
    waiting = spawn([select(bsub, wsub)])
    await settle()
    b.put_nowait(5)
    (got,) = await outcomes(waiting)
    assert not isinstance(got, str)
    assert (got.channel is bsub, got.item) == (True, 5)
    merged = merge(b.subscribe(), w.subscribe())
    b.put_nowait(6)
    assert sorted(map(str, [merged.get_nowait(), merged.get_nowait()])) == ["6", "x"]


def test_broadcast_is_a_send_channel_and_subscribers_receive_channels() -> None:
    b: Broadcast[int] = Broadcast(1)
    assert isinstance(b, SendChannel)
    assert isinstance(b.sender, SendChannel)
    subs = [b.subscribe(), b.subscribe()]
    assert isinstance(subs[0], ReceiveChannel)
    assert not isinstance(subs[1], SendChannel)
    assert b.sender is b
    assert repr(b) == "<Broadcast maxsize=1 qsize=0 subscribers=2>"
    del subs[0]  # a dropped subscriber hangs up
    assert repr(b) == "<Broadcast maxsize=1 qsize=0 subscribers=1>"


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((0,), ValueError, r"^maxsize of a Broadcast must be an int >= 1, got 0$"),
        ((-1,), ValueError, r"^maxsize must be an int >= 0"),
        (("3",), TypeError, r"^maxsize must be an int"),
    ],
)
def test_bad_maxsize(args: tuple[object, ...], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        Broadcast(*args)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def test_bad_overflow() -> None:
    with pytest.raises(ValueError, match=r"^overflow must be one of 'wait', 'drop_oldest', got"):
        Broadcast(2, overflow="drop_newest")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


# -- Watch -----------------------------------------------------------------------------------------


async def test_watch_gives_the_latest_value_and_skips_what_was_superseded() -> None:
    w: Watch[int] = Watch(0)
    sub = w.subscribe()
    assert await sub.get() == 0  # a new subscriber has not seen the current value
    with pytest.raises(ChannelEmpty):
        sub.get_nowait()
    w.set(1)
    w.set(2)
    assert await sub.get() == 2  # 1 was superseded before it looked
    waiting = spawn([sub.get()])
    await settle()
    assert not waiting[0].done()
    w.set(3)
    assert await outcomes(waiting) == [3]
    assert w.value == 3


async def test_watch_iteration_ends_after_the_last_value_once_closed() -> None:
    w: Watch[str] = Watch("a")
    sub = w.subscribe()
    reader = spawn([collect(sub)])
    await settle()
    w.set("b")
    await settle()
    w.set("c")
    w.close()
    assert await outcomes(reader) == [["a", "b", "c"]]
    with pytest.raises(ChannelClosed):
        w.set("d")
    with pytest.raises(ChannelClosed):
        w.sender.put_nowait("d")


async def test_watch_sender_sets_the_value_and_never_waits() -> None:
    w: Watch[int] = Watch(0)
    sub = w.subscribe()
    tx = w.sender
    assert (tx.maxsize, tx.qsize(), tx.full()) == (0, 0, False)
    await tx.put(5)
    tx.put_nowait(6)
    assert sub.get_nowait() == 6
    clone = tx.clone()
    tx.close()  # the watch's own handle; the clone keeps it open
    assert not w.closed()
    clone.close(KeyError("k"))
    with pytest.raises(ChannelClosed) as info:
        await sub.get()
    assert isinstance(info.value.__cause__, KeyError)
    assert w.statistics().closed


# -- randomized ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lossy", [False, True])
@pytest.mark.parametrize("seed", range(12))
async def test_subscribers_joining_lagging_leaving_and_cancelled(seed: int, lossy: bool) -> None:
    """Each subscriber's sequence: exactly the items put after it subscribed, in order
    (lossless); or an in-order subsequence of them whose missed counts add up (lossy). Some
    subscribers are read by two tasks at once: between them they take each item once, each in
    order, and both end once the subscriber is drained."""
    rng = random.Random(seed)
    b: Broadcast[int] = Broadcast(
        rng.choice((1, 2, 4)), overflow="drop_oldest" if lossy else "wait"
    )
    sent: list[int] = []
    records: list[tuple[int, list[int], list[int], bool]] = []  # start, got, missed, left early

    async def read(
        sub: ReceiveChannel[int], r: random.Random, got: list[int], missed: list[int]
    ) -> list[int]:
        mine: list[int] = []
        while True:
            try:
                if r.random() < 0.3:
                    item = await asyncio.wait_for(sub.get(), r.choice((0, 0.0005, 0.002)))
                else:
                    item = await sub.get()
            except asyncio.TimeoutError:
                continue
            except ChannelLagged as exc:
                missed.append(exc.missed)
                continue
            except ChannelClosed:
                return mine
            got.append(item)
            mine.append(item)
            if r.random() < 0.2:
                await asyncio.sleep(0)

    async def subscriber(k: int) -> None:
        r = random.Random(f"{seed}/{k}")
        start = len(sent)
        sub = b.subscribe()
        got: list[int] = []
        missed: list[int] = []
        if r.random() < 0.3:  # two readers of one subscriber, to the end
            mine = await asyncio.gather(read(sub, r, got, missed), read(sub, r, got, missed))
            assert all(part == sorted(part) for part in mine)
            records.append((start, sorted(got), missed, False))
            return
        leave_after = r.randint(0, 40) if r.random() < 0.3 else None
        while leave_after is None or len(got) < leave_after:
            try:
                if r.random() < 0.3:
                    got.append(await asyncio.wait_for(sub.get(), r.choice((0, 0.0005, 0.002))))
                else:
                    got.append(await sub.get())
            except asyncio.TimeoutError:
                continue
            except ChannelLagged as exc:
                missed.append(exc.missed)
            except ChannelClosed:
                break
            if r.random() < 0.2:
                await asyncio.sleep(0)
        else:
            sub.hang_up()
        records.append((start, got, missed, leave_after is not None))

    async def producer() -> None:
        for i in range(300):
            await b.put(i)
            sent.append(i)
            if rng.random() < 0.3:
                await asyncio.sleep(0)
            if rng.random() < 0.05:
                readers.append(asyncio.ensure_future(subscriber(len(readers))))
        b.close()

    readers = [asyncio.ensure_future(subscriber(k)) for k in range(3)]
    await settle(1)
    await asyncio.wait_for(producer(), GUARD)
    await asyncio.wait_for(asyncio.gather(*readers), GUARD)
    assert len(records) == len(readers)
    for start, got, missed, left in records:
        expected = sent[start:]
        if not lossy:
            assert got == expected[: len(got)]
            if not left:
                assert got == expected
        else:
            assert got == sorted(got)
            assert len(set(got)) == len(got)
            assert set(got) <= set(expected)
            if not left:
                assert len(got) + sum(missed) == len(expected)


@pytest.mark.parametrize("seed", range(12))
async def test_watch_subscribers_with_several_readers_and_timeouts(seed: int) -> None:
    """Every reader of a subscriber sees increasing values; between them the readers of one
    subscriber see each value at most once; and once the watch is closed they all end, after
    one of them has seen the last value."""
    rng = random.Random(seed)
    w = Watch(-1)
    last = 199

    async def read(sub: ReceiveChannel[int], r: random.Random) -> list[int]:
        seen: list[int] = []
        while True:
            try:
                if r.random() < 0.3:
                    seen.append(await asyncio.wait_for(sub.get(), r.choice((0, 0.0005))))
                else:
                    seen.append(await sub.get())
            except asyncio.TimeoutError:
                continue
            except ChannelClosed:
                return seen
            if r.random() < 0.3:
                await asyncio.sleep(0)

    async def subscriber(k: int) -> list[list[int]]:
        r = random.Random(f"{seed}/{k}")
        sub = w.subscribe()
        return await asyncio.gather(*(read(sub, r) for _ in range(r.choice((1, 2, 3)))))

    async def producer() -> None:
        for i in range(last + 1):
            w.set(i)
            if rng.random() < 0.5:
                await asyncio.sleep(0)
        w.close()

    readers = [asyncio.ensure_future(subscriber(k)) for k in range(4)]
    await settle(1)
    await asyncio.wait_for(producer(), GUARD)
    for by_reader in await asyncio.wait_for(asyncio.gather(*readers), GUARD):
        assert all(seen == sorted(seen) for seen in by_reader)
        seen_by_any = [value for seen in by_reader for value in seen]
        assert len(set(seen_by_any)) == len(seen_by_any)
        assert max(seen_by_any) == last
