"""Issue 16: select() and select_nowait() take exactly one item from exactly one receive end."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Iterable, Sequence
from typing import TypeVar

import pytest
from _support import settle

from aiochannel import (
    Channel,
    ChannelClosed,
    ChannelEmpty,
    Selected,
    merge,
    select,
    select_nowait,
    selected_from,
)

T = TypeVar("T")
GUARD = 10.0


def spawn(aws: Iterable[Awaitable[T]]) -> list[asyncio.Future[T]]:
    return [asyncio.ensure_future(aw) for aw in aws]


async def outcomes(tasks: Sequence[asyncio.Future[T]]) -> list[T | str]:
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), GUARD)
    return [f"{type(r).__name__}: {r}" if isinstance(r, BaseException) else r for r in results]


def lines(ch: Channel[int]) -> tuple[int, int]:
    """(live getters in line, entries in line) of the private state."""
    s = ch._s  # pyright: ignore[reportPrivateUsage]
    line = list(s.getters or ())
    return (sum(not w.done() for w in line), len(line))


async def test_a_ready_channel_is_taken_from_at_once() -> None:
    a: Channel[int] = Channel()
    b: Channel[str] = Channel()
    b.put_nowait("x")
    sel = await select(a, b)
    assert sel.channel is b
    assert not sel.closed
    assert sel.item == "x"
    assert b.qsize() == 0
    if selected_from(sel, b):
        assert sel.item.upper() == "X"


async def test_a_waiting_select_is_served_by_the_first_channel_and_leaves_the_others() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    c: Channel[int] = Channel()
    task = spawn([select(a, b.receiver, c)])
    await settle()
    assert [lines(ch)[0] for ch in (a, b, c)] == [1, 1, 1]
    b.put_nowait(2)  # promised to the select
    assert [lines(ch)[0] for ch in (a, b, c)] == [0, 0, 0]  # out of every line at once
    a.put_nowait(1)  # not for the select: it stays available
    (sel,) = await outcomes(task)
    assert isinstance(sel, Selected)
    assert (sel.channel is b.receiver, sel.item) == (True, 2)
    assert list(a) == [1]
    assert [lines(ch)[1] for ch in (a, b, c)] == [0, 0, 0]  # and the entries are gone


async def test_select_stands_in_line_like_a_getter() -> None:
    ch: Channel[int] = Channel()
    other: Channel[int] = Channel()
    first = spawn([ch.get()])
    await settle()
    sel = spawn([select(ch, other)])
    await settle()
    last = spawn([ch.get()])
    await settle()
    for i in range(3):
        ch.put_nowait(i)
    (got_first, got_last), (selected,) = await outcomes(first + last), await outcomes(sel)
    assert (got_first, got_last) == (0, 2)
    assert isinstance(selected, Selected)
    assert selected.item == 1


async def test_a_closed_and_drained_channel_is_reported_every_time() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    a.close()
    for _ in range(3):
        sel = await select(a, b)
        assert sel.channel is a
        assert sel.closed
        with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
            _ = sel.item
    b.put_nowait(1)
    seen = {(await select(a, b, biased=True)).channel is a for _ in range(5)}
    assert seen == {True}  # biased: a comes first
    assert b.get_nowait() == 1


async def test_a_channel_closed_while_the_select_waits_is_reported() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    task = spawn([select(a, b)])
    await settle()
    boom = ValueError("boom")
    b.close(boom)
    (sel,) = await outcomes(task)
    assert isinstance(sel, Selected)
    assert sel.channel is b
    assert sel.closed
    with pytest.raises(ChannelClosed) as info:
        _ = sel.item
    assert info.value.__cause__ is boom
    assert lines(a) == (0, 0)


async def test_a_hung_up_handle_is_reported_as_closed() -> None:
    ch: Channel[int] = Channel()
    rx = ch.receiver.clone()
    other: Channel[int] = Channel()
    task = spawn([select(rx, other)])
    await settle()
    rx.hang_up()
    (sel,) = await outcomes(task)
    assert isinstance(sel, Selected)
    assert (sel.channel is rx, sel.closed) == (True, True)
    with pytest.raises(ChannelClosed, match=r"^this receive handle has hung up$"):
        _ = sel.item
    ch.put_nowait(1)  # the channel itself is open
    assert ch.get_nowait() == 1


async def test_a_promise_to_a_select_whose_handle_hangs_up_passes_on() -> None:
    ch: Channel[int] = Channel()
    rx = ch.receiver.clone()
    other: Channel[int] = Channel()
    sel = spawn([select(rx, other)])
    await settle()
    later = spawn([ch.get()])
    await settle()
    ch.put_nowait(5)  # promised to the select, which has not resumed
    rx.hang_up()
    (selected,), got = await outcomes(sel), await outcomes(later)
    assert isinstance(selected, Selected)
    assert selected.closed
    assert got == [5]


@pytest.mark.parametrize("when", ["waiting", "promised"])
async def test_a_cancelled_select_took_nothing(when: str) -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    task = spawn([select(a, b)])
    await settle()
    if when == "promised":
        b.put_nowait(7)  # promised to the select; cancelled before it resumes
    task[0].cancel()
    assert await outcomes(task) == ["CancelledError: "]
    assert [lines(ch)[1] for ch in (a, b)] == [0, 0]
    if when == "promised":
        assert list(b) == [7]  # back at the head
        assert select_nowait(a, b).item == 7


async def test_a_timed_out_select_leaves_nothing_behind() -> None:
    chans = [Channel[int]() for _ in range(5)]
    for _ in range(200):
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(select(*chans), 0)
    assert all(lines(ch) == (0, 0) for ch in chans)


async def test_unbiased_choice_is_uniform_among_ready_ends() -> None:
    random.seed(7)
    chans = [Channel[int]() for _ in range(3)]
    counts: Counter[int] = Counter()
    for _ in range(3000):
        for ch in chans:
            if ch.empty():
                ch.put_nowait(0)
        sel = await select(*chans)
        counts[chans.index(sel.channel)] += 1  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert all(850 < counts[i] < 1150 for i in range(3)), counts


async def test_biased_choice_takes_the_first_ready_end() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    c: Channel[int] = Channel()
    b.put_nowait(1)
    c.put_nowait(2)
    assert (await select(a, b, c, biased=True)).channel is b
    assert select_nowait(a, b, c, biased=True).channel is c


def test_select_nowait_raises_channel_empty_when_nothing_is_ready() -> None:
    a: Channel[int] = Channel()
    with pytest.raises(ChannelEmpty, match=r"^no channel is ready$"):
        select_nowait(a, Channel[int]())
    a.put_nowait(3)
    sel = select_nowait(a)
    assert (sel.channel is a, sel.item) == (True, 3)


async def test_select_over_merged_ends_and_clones() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    merged = merge(a, b)
    other: Channel[str] = Channel()
    task = spawn([select(merged, other)])
    await settle()
    b.put_nowait(4)
    (sel,) = await outcomes(task)
    assert isinstance(sel, Selected)
    assert sel.channel is merged
    assert sel.item == 4
    clone = a.receiver.clone()
    a.put_nowait(5)
    assert select_nowait(clone, other).item == 5


@pytest.mark.parametrize("bad", [object(), [1, 2], asyncio.Queue[int]()])
def test_anything_but_a_receive_end_is_refused(bad: object) -> None:
    with pytest.raises(
        TypeError, match=r"^select_nowait\(\) takes receive ends of aiochannel channels, got "
    ):
        select_nowait(Channel[int](), bad)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    sender = Channel[int]().sender
    with pytest.raises(TypeError, match=r"type ChannelSender$"):
        select_nowait(sender)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]


async def test_no_ends_or_the_same_end_twice_is_refused() -> None:
    ch: Channel[int] = Channel()
    with pytest.raises(ValueError, match=r"^select\(\) needs at least one receive end, got none$"):
        await select()
    with pytest.raises(ValueError, match=r"^select\(\) got the same receive end twice: "):
        await select(ch, ch)
    with pytest.raises(ValueError, match=r"^select_nowait\(\) got the same receive end twice"):
        select_nowait(ch.receiver, ch.receiver)
    ch.put_nowait(1)
    assert select_nowait(ch, ch.receiver).item == 1  # two ends of one channel are fine


async def test_select_refuses_a_wait_from_another_loop_and_changes_nothing() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    task = spawn([b.get()])  # binds b to this loop
    await settle()

    def in_another_thread() -> None:
        with pytest.raises(RuntimeError, match="in use by tasks of an event loop in another"):
            asyncio.run(select(a, b))

    await asyncio.to_thread(in_another_thread)
    assert lines(a) == (0, 0)  # withdrawn from a, where it had been queued
    b.put_nowait(1)
    assert await outcomes(task) == [1]


async def test_selected_repr() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    assert repr(select_nowait(ch)).startswith("<Selected item=1 from <Channel at ")
    ch.close()
    assert repr(select_nowait(ch)).startswith("<Selected closed from <Channel at ")


async def test_many_selects_racing_puts_closes_and_cancellations() -> None:
    """Exactly once: every item put is taken by exactly one select (or left in its channel)."""
    rng = random.Random(3)
    chans = [Channel[int](rng.choice((0, 1, 2))) for _ in range(4)]
    got: list[int] = []

    async def consumer() -> None:
        live = list(chans)
        while live:
            try:
                sel = await asyncio.wait_for(select(*live), rng.choice((0, 0.0001, 0.001)))
            except asyncio.TimeoutError:
                continue
            if sel.closed:
                live.remove(sel.channel)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
            else:
                got.append(sel.item)

    async def producer(k: int, ch: Channel[int]) -> list[int]:
        sent: list[int] = []
        for i in range(200):
            item = k * 1000 + i
            try:
                await asyncio.wait_for(ch.put(item), rng.choice((0, 0.001, 0.01)))
            except asyncio.TimeoutError:
                continue
            sent.append(item)
        ch.close()
        return sent

    consumers = spawn(consumer() for _ in range(3))
    sent = await asyncio.wait_for(
        asyncio.gather(*(producer(k, ch) for k, ch in enumerate(chans))), GUARD
    )
    await asyncio.wait_for(asyncio.gather(*consumers), GUARD)
    assert Counter(got) == Counter(i for part in sent for i in part)


def test_biased_select_nowait_with_nothing_ready() -> None:
    with pytest.raises(ChannelEmpty):
        select_nowait(Channel[int](), Channel[int](), biased=True)


def test_select_from_a_second_loop_in_the_same_thread_is_refused_and_withdrawn() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    first = asyncio.new_event_loop()
    second = asyncio.new_event_loop()
    try:
        getter = first.create_task(b.get())  # binds b to the first loop
        first.run_until_complete(asyncio.sleep(0))
        with pytest.raises(RuntimeError, match="in use by tasks of another event loop"):
            second.run_until_complete(select(a, b))
        assert lines(a) == (0, 0)  # queued in a before b refused it: withdrawn
        b.put_nowait(1)
        assert first.run_until_complete(getter) == 1
    finally:
        first.close()
        second.close()


def test_select_finds_an_item_that_waiters_of_a_closed_loop_held() -> None:
    ch: Channel[int] = Channel()
    other: Channel[int] = Channel()
    loop = asyncio.new_event_loop()
    holder = loop.create_task(ch.get())
    loop.run_until_complete(asyncio.sleep(0))
    ch.put_nowait(8)  # promised to holder, whose loop then closes
    loop.close()
    assert not holder.done()

    async def main() -> int:
        return (await select(ch, other)).item

    assert asyncio.run(main()) == 8


def test_a_stranded_select_whose_coroutine_is_closed_touches_nothing() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    loop = asyncio.new_event_loop()
    task = loop.create_task(select(a, b))
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    task._log_destroy_pending = False  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    coro = task.get_coro()
    assert coro is not None
    coro.close()  # as the garbage collector would: the select withdraws, from a closed loop
    a.put_nowait(1)  # the stranded entries are passed over
    assert a.get_nowait() == 1


def test_duplicates_among_many_ends_and_select_nowait_over_a_merged_end() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    with pytest.raises(ValueError, match=r"^select_nowait\(\) got the same receive end twice"):
        select_nowait(a, b, a)
    merged = merge(a, b)
    b.put_nowait(3)
    sel = select_nowait(merged, Channel[int]())
    assert (sel.channel is merged, sel.item) == (True, 3)
