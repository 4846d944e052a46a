"""Issue 16: merge() — one receive end over several; and get_many() batching."""

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
    ChannelStatistics,
    ReceiveChannel,
    merge,
)

T = TypeVar("T")
GUARD = 10.0


def spawn(aws: Iterable[Awaitable[T]]) -> list[asyncio.Future[T]]:
    return [asyncio.ensure_future(aw) for aw in aws]


async def outcomes(tasks: Sequence[asyncio.Future[T]]) -> list[T | str]:
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), GUARD)
    return [f"{type(r).__name__}: {r}" if isinstance(r, BaseException) else r for r in results]


# -- merge -----------------------------------------------------------------------------------------


async def test_merge_takes_from_whichever_input_has_an_item_and_ends_with_the_last() -> None:
    a: Channel[int] = Channel()
    b: Channel[str] = Channel()
    merged = merge(a, b.receiver)
    got = spawn([merged.get()])
    await settle()
    b.put_nowait("x")
    assert await outcomes(got) == ["x"]
    a.put_nowait(1)
    a.close()
    b.put_nowait("y")
    assert sorted(map(str, [merged.get_nowait(), merged.get_nowait()])) == ["1", "y"]
    with pytest.raises(ChannelEmpty):
        merged.get_nowait()  # a is closed and drained, b is open
    iteration = spawn([_collect(merged)])
    await settle()
    b.put_nowait("z")
    b.close()
    assert await outcomes(iteration) == [["z"]]
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        await merged.get()
    assert merged.closed()
    await asyncio.wait_for(merged.join(), GUARD)


async def _collect(rx: ReceiveChannel[T]) -> list[T]:
    return [item async for item in rx]


async def test_an_input_closed_with_an_error_raises_once_drained() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    merged = merge(a, b)
    a.put_nowait(1)
    boom = OSError("input failed")
    a.close(boom)
    assert merged.get_nowait() == 1
    with pytest.raises(ChannelClosed) as info:
        merged.get_nowait()
    assert info.value.__cause__ is boom
    b.put_nowait(2)  # the merged end goes on with the other input
    assert await merged.get() == 2
    b.close()
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        merged.get_nowait()
    c: Channel[int] = Channel()
    c.close(boom)
    with pytest.raises(ChannelClosed) as info:
        async for _ in merge(c):
            pass
    assert info.value.__cause__ is boom


async def test_hanging_up_a_merged_end_releases_only_it() -> None:
    a: Channel[int] = Channel()
    merged = merge(a)
    waiting = spawn([merged.get(), _collect(merged)])
    await settle()
    merged.hang_up()
    assert await outcomes(waiting) == ["ChannelClosed: this receive handle has hung up", []]
    a.put_nowait(1)
    assert a.get_nowait() == 1  # the input is untouched
    with pytest.raises(ChannelClosed, match=r"^this receive handle has hung up$"):
        merged.get_nowait()
    with pytest.raises(ChannelClosed, match=r"^this receive handle has hung up$"):
        merged.clone()
    assert merged.closed()


async def test_a_promise_to_a_merged_end_that_hangs_up_goes_back() -> None:
    a: Channel[int] = Channel()
    merged = merge(a)
    waiting = spawn([merged.get()])
    await settle()
    a.put_nowait(1)  # promised to the merged get, which has not resumed
    merged.hang_up()
    assert await outcomes(waiting) == ["ChannelClosed: this receive handle has hung up"]
    assert list(a) == [1]


async def test_a_clone_is_another_merged_end_over_the_same_inputs() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    merged = merge(a, b)
    twin = merged.clone()
    a.put_nowait(1)
    assert twin.get_nowait() == 1
    merged.hang_up()
    b.put_nowait(2)
    assert twin.get_nowait() == 2


async def test_merged_queries() -> None:
    a: Channel[int] = Channel(2)
    b: Channel[int] = Channel(3)
    merged = merge(a, b)
    assert merged.maxsize == 5
    assert merge(a, Channel[int]()).maxsize == 0
    a.put_nowait(1)
    b.put_nowait(2)
    assert (merged.qsize(), merged.empty()) == (2, False)
    st = merged.statistics()
    assert st == ChannelStatistics(5, 2, 2, 2, 2, 0, 0, False)
    assert repr(merged) == "<merged ReceiveChannel of 2 inputs>"
    assert merged.get_nowait_many(5) in ([1, 2], [2, 1])
    assert merged.empty()


async def test_merge_of_merged_ends_and_bad_input() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    c: Channel[int] = Channel()
    outer = merge(merge(a, b), c)
    b.put_nowait(1)
    assert outer.get_nowait() == 1
    with pytest.raises(TypeError, match=r"^merge\(\) takes receive ends"):
        merge(a, "nope")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    with pytest.raises(ValueError, match=r"^merge\(\) needs at least one receive end"):
        merge()


async def test_merge_delivers_every_item_exactly_once_under_cancellation() -> None:
    rng = random.Random(5)
    inputs = [Channel[int](rng.choice((0, 1, 3))) for _ in range(4)]
    merged = merge(*inputs)
    got: list[int] = []

    async def consume() -> None:
        while True:
            try:
                got.extend(await asyncio.wait_for(merged.get_many(3), rng.choice((0, 0.001))))
            except asyncio.TimeoutError:
                continue
            except ChannelClosed:
                return

    async def produce(k: int, ch: Channel[int]) -> list[int]:
        sent: list[int] = []
        for i in range(150):
            try:
                await asyncio.wait_for(ch.put(k * 1000 + i), rng.choice((0, 0.001, 0.01)))
            except asyncio.TimeoutError:
                continue
            sent.append(k * 1000 + i)
        ch.close()
        return sent

    consumers = spawn(consume() for _ in range(2))
    sent = await asyncio.wait_for(
        asyncio.gather(*(produce(k, c) for k, c in enumerate(inputs))), GUARD
    )
    await asyncio.wait_for(asyncio.gather(*consumers), GUARD)
    assert Counter(got) == Counter(i for part in sent for i in part)


# -- get_many --------------------------------------------------------------------------------------


async def test_get_many_takes_what_is_there_up_to_the_limit() -> None:
    ch: Channel[int] = Channel()
    for i in range(5):
        ch.put_nowait(i)
    assert await ch.get_many(3) == [0, 1, 2]
    assert await ch.receiver.get_many(10) == [3, 4]
    with pytest.raises(ChannelEmpty, match=r"^channel is empty$"):
        ch.get_nowait_many(2)
    ch.put_nowait(5)
    assert ch.get_nowait_many(2) == [5]


async def test_get_many_waits_for_one_then_takes_the_rest_without_waiting() -> None:
    ch: Channel[int] = Channel()
    task = spawn([ch.get_many(4)])
    await settle()
    ch.put_nowait(1)  # promised
    ch.put_nowait(2)
    ch.put_nowait(3)
    assert await outcomes(task) == [[1, 2, 3]]


async def test_get_many_grants_the_slots_it_frees_to_waiting_putters() -> None:
    ch: Channel[int] = Channel(2)
    ch.put_nowait(0)
    ch.put_nowait(1)
    putters = spawn(ch.put(i) for i in (2, 3, 4))
    await settle()
    assert ch.get_nowait_many(5) == [0, 1]  # frees two slots: granted to the oldest putters
    await settle()
    assert list(ch) == [2, 3]
    assert ch.statistics().waiting_putters == 1
    assert await ch.get_many(5) == [2, 3]
    assert await outcomes(putters) == [None, None, None]
    assert list(ch) == [4]


async def test_get_many_on_a_closed_channel() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    ch.close()
    assert await ch.get_many(5) == [1]
    with pytest.raises(ChannelClosed):
        await ch.get_many(5)
    with pytest.raises(ChannelClosed):
        ch.get_nowait_many(5)
    waiting: Channel[int] = Channel()
    task = spawn([waiting.get_many(2)])
    await settle()
    waiting.close()
    assert await outcomes(task) == ["ChannelClosed: channel is closed"]


async def test_a_cancelled_get_many_took_nothing() -> None:
    ch: Channel[int] = Channel()
    task = spawn([ch.get_many(3)])
    await settle()
    ch.put_nowait(1)  # promised, then cancelled before it resumes
    ch.put_nowait(2)
    task[0].cancel()
    assert await outcomes(task) == ["CancelledError: "]
    assert list(ch) == [1, 2]


async def test_get_many_through_a_handle_that_hangs_up() -> None:
    ch: Channel[int] = Channel()
    rx = ch.receiver.clone()
    task = spawn([rx.get_many(3)])
    await settle()
    rx.hang_up()
    assert await outcomes(task) == ["ChannelClosed: this receive handle has hung up"]
    task = spawn([ch.get_many(3)])
    await settle()
    ch.put_nowait(9)
    assert await outcomes(task) == [[9]]


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (0, ValueError, r"^max_items must be an int >= 1, got 0$"),
        (-3, ValueError, r"^max_items must be an int >= 1, got -3$"),
        (True, TypeError, r"^max_items must be an int >= 1, got True of type bool$"),
        (2.0, TypeError, r"^max_items must be an int >= 1, got 2.0 of type float$"),
    ],
)
async def test_max_items_is_checked(bad: object, error: type[Exception], message: str) -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    with pytest.raises(error, match=message):
        await ch.get_many(bad)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(error, match=message):
        ch.get_nowait_many(bad)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(error, match=message):
        await merge(ch).get_many(bad)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert list(ch) == [1]  # nothing taken


async def test_queries_and_join_of_nested_merged_ends() -> None:
    a: Channel[int] = Channel(1)
    b: Channel[int] = Channel(1)
    c: Channel[int] = Channel(2)
    inner = merge(a, b)
    outer = merge(inner, c)
    a.put_nowait(1)
    c.put_nowait(2)
    assert (outer.qsize(), outer.maxsize) == (2, 4)
    assert outer.statistics().qsize == 2
    joiner = spawn([outer.join()])
    await settle()
    assert not joiner[0].done()
    for ch in (a, b, c):
        ch.close()
    assert sorted([outer.get_nowait(), outer.get_nowait()]) == [1, 2]
    assert await outcomes(joiner) == [None]
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        await outer.get()


async def test_get_many_stops_before_an_input_that_failed() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    merged = merge(a, b)
    a.put_nowait(1)
    a.put_nowait(2)
    boom = OSError("failed")
    b.close(boom)
    got: list[int] = []
    errors: list[BaseException | None] = []
    for _ in range(3):  # the error comes before, between or after the items: not specified
        try:
            got.extend(merged.get_nowait_many(5))
        except ChannelClosed as exc:
            errors.append(exc.__cause__)
        except ChannelEmpty:  # a is open, and drained
            break
    assert got == [1, 2]
    assert errors == [boom]


async def test_a_get_on_a_hung_up_merged_end_raises() -> None:
    merged = merge(Channel[int]())
    merged.hang_up()
    with pytest.raises(ChannelClosed, match=r"^this receive handle has hung up$"):
        await merged.get()


async def test_get_many_wakes_joiners_when_it_drains_a_closed_channel() -> None:
    ch: Channel[int] = Channel()
    for i in range(3):
        ch.put_nowait(i)
    ch.close()
    joiner = spawn([ch.join()])
    await settle()
    assert not joiner[0].done()
    assert ch.get_nowait_many(10) == [0, 1, 2]
    assert await outcomes(joiner) == [None]


async def test_get_many_of_one_from_a_merged_end() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    ch.put_nowait(2)
    assert await merge(ch).get_many(1) == [1]


async def test_two_gets_see_the_same_input_close() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    merged = merge(a, b)
    gets = spawn(merged.get() for _ in range(2))
    await settle()
    a.close()  # both waiting gets are told, and both drop it (the second finds it dropped)
    await settle()
    b.put_nowait(1)
    b.put_nowait(2)
    got = await asyncio.wait_for(asyncio.gather(*gets), GUARD)
    assert sorted(got) == [1, 2]


async def test_a_batch_ends_at_a_failed_input_which_the_next_get_reports() -> None:
    boom = OSError("failed")
    batches: list[list[int]] = []
    causes: list[BaseException | None] = []
    for _ in range(64):  # which input is chosen first is random: both orders come up
        a: Channel[int] = Channel()
        b: Channel[int] = Channel()
        a.put_nowait(1)
        b.close(boom)
        merged = merge(a, b)
        try:
            batches.append(list(merged.get_nowait_many(5)))
        except ChannelClosed as exc:
            causes.append(exc.__cause__)
            continue
        with pytest.raises(ChannelClosed) as info:
            merged.get_nowait()
        assert info.value.__cause__ is boom
    assert batches
    assert all(batch == [1] for batch in batches)
    assert all(cause is boom for cause in causes)


async def test_async_for_takes_what_is_there_then_waits_and_ends_as_get_does() -> None:
    a: Channel[int] = Channel()
    b: Channel[int] = Channel()
    for i in range(3):
        a.put_nowait(i)
    merged = merge(a, b)
    seen: list[int] = []

    async def iterate() -> None:  # 0, 1, 2 at once, then 3 after a wait, then b's error
        async for item in merged:
            seen.append(item)
            if item == 2:
                asyncio.get_running_loop().call_soon(a.put_nowait, 3)
            if item == 3:
                a.close()
                asyncio.get_running_loop().call_soon(b.close, KeyError("b failed"))

    with pytest.raises(ChannelClosed) as info:
        await asyncio.wait_for(iterate(), GUARD)
    assert seen == [0, 1, 2, 3]
    assert isinstance(info.value.__cause__, KeyError)
    hung_up = merge(Channel[int]())
    hung_up.hang_up()
    assert [item async for item in hung_up] == []
