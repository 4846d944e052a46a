"""Issue 16: @as_channel runs an async generator in a task of its own, behind a receive end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from aiochannel import ChannelClosed, as_channel

GUARD = 10.0


@as_channel
async def numbers(n: int, *, start: int = 0) -> AsyncIterator[int]:
    for i in range(start, start + n):
        yield i


async def test_the_generator_feeds_the_receive_end_until_it_ends() -> None:
    async with numbers(4, start=10) as rx:
        assert [item async for item in rx] == [10, 11, 12, 13]
    assert numbers.__name__ == "numbers"  # wraps the generator function


async def test_maxsize_bounds_how_far_the_generator_runs_ahead() -> None:
    produced: list[int] = []

    @as_channel(maxsize=2)
    async def tracked() -> AsyncIterator[int]:
        for i in range(10):
            produced.append(i)
            yield i

    async with tracked() as rx:
        for _ in range(5):
            await asyncio.sleep(0)
        assert rx.maxsize == 2
        assert len(produced) <= 4  # two buffered, one put waiting, one being produced
        assert await rx.get() == 0


async def test_a_generator_error_fails_the_stream_and_leaves_the_block() -> None:
    @as_channel
    async def failing() -> AsyncIterator[str]:
        yield "a"
        raise LookupError("gone")

    got: list[str] = []
    causes: list[BaseException | None] = []

    async def consume() -> None:
        async with failing() as rx:
            try:
                async for item in rx:
                    got.append(item)
            except ChannelClosed as exc:
                causes.append(exc.__cause__)

    with pytest.raises(LookupError, match=r"^gone$"):
        await consume()
    assert got == ["a"]
    assert len(causes) == 1
    assert isinstance(causes[0], LookupError)


@pytest.mark.parametrize("how", ["break", "exception", "cancel"])
async def test_leaving_the_block_stops_the_generator_and_waits_for_it(how: str) -> None:
    cleaned: list[str] = []
    task_seen: list[asyncio.Task[object] | None] = []

    @as_channel
    async def endless() -> AsyncIterator[int]:
        task_seen.append(asyncio.current_task())
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            cleaned.append("finally")

    async def body() -> None:
        async with endless() as rx:
            async for item in rx:
                if item == 3:
                    if how == "exception":
                        raise KeyError("body")
                    if how == "cancel":
                        current = asyncio.current_task()
                        assert current is not None
                        current.cancel()
                        await asyncio.sleep(0)
                    break

    if how == "break":
        await body()
    elif how == "exception":
        with pytest.raises(KeyError):
            await body()
    else:
        with pytest.raises(asyncio.CancelledError):
            await body()
    assert cleaned == ["finally"]
    (task,) = task_seen
    assert task is not None
    assert task.done()  # no task outlives the block


async def test_when_body_and_generator_both_raise_the_body_wins() -> None:
    @as_channel
    async def failing() -> AsyncIterator[int]:
        yield 1
        raise LookupError("generator")

    async def body() -> None:
        async with failing() as rx:
            await rx.get()
            await asyncio.sleep(0)  # the generator fails meanwhile
            await asyncio.sleep(0)
            raise KeyError("body")

    with pytest.raises(KeyError) as info:
        await body()
    assert isinstance(info.value.__context__, LookupError)


async def test_a_generator_that_swallows_the_cancellation_is_still_stopped() -> None:
    swallowed: list[bool] = []

    @as_channel
    async def stubborn() -> AsyncIterator[int]:
        while True:
            try:
                await asyncio.sleep(0)
            except asyncio.CancelledError:
                swallowed.append(True)
            yield 1  # the put that follows fails: the receive end hung up

    async with stubborn() as rx:
        assert await rx.get() == 1
    assert swallowed in ([], [True])


def test_entering_twice_is_refused() -> None:
    async def main() -> None:
        cm = numbers(1)
        async with cm as rx:
            assert await rx.get() == 0
            with pytest.raises(RuntimeError, match="entered only once"):
                await cm.__aenter__()

    asyncio.run(main())


def test_maxsize_is_checked() -> None:
    with pytest.raises(ValueError, match=r"^maxsize must be an int >= 0"):
        as_channel(maxsize=-1)
    with pytest.raises(TypeError, match=r"^maxsize must be an int >= 0"):
        as_channel(maxsize="2")  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]


class Countdown:
    """An async iterator that is not a generator (it has no ``aclose``)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __aiter__(self) -> Countdown:
        return self

    async def __anext__(self) -> int:
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        return self.n


async def test_any_async_iterator_function_will_do() -> None:
    countdown = as_channel(Countdown)
    async with countdown(3) as rx:
        assert [item async for item in rx] == [2, 1, 0]


async def test_cancelled_while_waiting_for_the_generator_to_stop() -> None:
    stopped: list[str] = []

    @as_channel
    async def slow_to_stop() -> AsyncIterator[int]:
        try:
            yield 1
            await asyncio.sleep(10)
        finally:
            try:
                await asyncio.sleep(10)  # slow cleanup: the block waits for it...
            finally:
                stopped.append("stopped")

    async def body() -> None:
        async with slow_to_stop() as rx:
            await rx.get()

    task = asyncio.ensure_future(body())
    for _ in range(5):
        await asyncio.sleep(0)
    assert not task.done()  # waiting in __aexit__ for the generator's cleanup
    task.cancel()  # ...until the block's own task is cancelled: the generator is cancelled again
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, GUARD)
    assert stopped == ["stopped"]


async def test_a_body_exception_keeps_a_context_it_already_had() -> None:
    @as_channel
    async def failing() -> AsyncIterator[int]:
        yield 1
        raise LookupError("generator")

    async def body() -> None:
        async with failing() as rx:
            await rx.get()
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            try:
                raise ValueError("first")
            except ValueError:
                raise KeyError("body") from None

    with pytest.raises(KeyError) as info:
        await body()
    assert isinstance(info.value.__context__, ValueError)
