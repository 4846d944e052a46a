"""``@as_channel``: an async generator function, run in a task of its own, as a receive end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from functools import wraps
from types import TracebackType
from typing import Generic, TypeVar, overload

from typing_extensions import ParamSpec

from ._channel import Channel, checked_maxsize
from ._protocols import ReceiveChannel

__all__ = ["as_channel"]

T = TypeVar("T")
P = ParamSpec("P")


class _Running(AbstractAsyncContextManager[ReceiveChannel[T]], Generic[T]):
    """The context manager ``@as_channel`` functions return: the generator runs in a task from
    entry to exit, feeding a channel whose receive end the ``async with`` gives."""

    def __init__(self, make: Callable[[], AsyncIterator[T]], maxsize: int) -> None:
        self._make = make
        self._maxsize = maxsize
        self._task: asyncio.Task[None] | None = None
        self._channel: Channel[T] | None = None

    async def __aenter__(self) -> ReceiveChannel[T]:
        if self._task is not None:
            raise RuntimeError("an @as_channel context manager can be entered only once")
        channel: Channel[T] = Channel(self._maxsize)
        self._channel = channel
        self._task = asyncio.ensure_future(self._feed(channel))
        return channel.receiver

    async def _feed(self, channel: Channel[T]) -> None:
        items = self._make()
        try:
            with channel.sender as tx:  # closes it when the generator ends, or with its error
                async for item in items:
                    await tx.put(item)
        finally:
            close = getattr(items, "aclose", None)
            if close is not None:
                await close()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        task, channel = self._task, self._channel
        assert task is not None
        assert channel is not None
        channel.hang_up()  # the generator's next put fails: it stops even if it ignores the cancel
        task.cancel()
        try:
            await asyncio.wait({task})
        except BaseException:  # the block's task was cancelled meanwhile: still wait for it
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise
        if task.cancelled():
            return
        error = task.exception()
        if error is None or _hung_up_on(error):
            return
        if exc_value is None:
            raise error
        if exc_value.__context__ is None:
            exc_value.__context__ = error


def _hung_up_on(error: BaseException) -> bool:
    """Whether the generator stopped because the consumer left (its put failed)."""
    from ._errors import ChannelClosed  # noqa: PLC0415

    return isinstance(error, ChannelClosed) and error.__cause__ is None


@overload
def as_channel(
    func: Callable[P, AsyncIterator[T]], /
) -> Callable[P, AbstractAsyncContextManager[ReceiveChannel[T]]]: ...


@overload
def as_channel(
    *, maxsize: int = 1
) -> Callable[
    [Callable[P, AsyncIterator[T]]], Callable[P, AbstractAsyncContextManager[ReceiveChannel[T]]]
]: ...


def as_channel(
    func: Callable[P, AsyncIterator[T]] | None = None, /, *, maxsize: int = 1
) -> (
    Callable[P, AbstractAsyncContextManager[ReceiveChannel[T]]]
    | Callable[
        [Callable[P, AsyncIterator[T]]],
        Callable[P, AbstractAsyncContextManager[ReceiveChannel[T]]],
    ]
):
    """Turn an async generator function into a function with the same parameters that returns
    an async context manager giving a ``ReceiveChannel`` of what the generator yields::

        @as_channel
        async def lines(path: str) -> AsyncIterator[str]: ...

        async with lines("log.txt") as rx:
            async for line in rx: ...

    On entry the generator starts in a task of its own, sending through a channel of ``maxsize``
    (``@as_channel(maxsize=N)``; default 1). Its end closes the channel; an exception it raises
    closes the channel with that error (the consumer's iteration then raises ``ChannelClosed``
    from it, once drained) and propagates out of the ``async with``.

    Leaving the block by any route (normal, ``break``, exception, cancellation) hangs up the
    receive end, cancels the generator's task and waits for it: no task outlives the block. If
    the body and the generator both raised, the body's exception propagates, with the
    generator's as its ``__context__`` (unless it already had one).

    Raises ``TypeError`` / ``ValueError`` for a ``maxsize`` that is not an ``int >= 0``;
    entering the same context manager twice raises ``RuntimeError``.

    Cancellation: a block cancelled while it waits for the generator to stop still stops the
    generator and waits for it before the cancellation propagates. A generator that ignores its
    own cancellation is stopped anyway: its next put fails, since the receive end hung up.
    """
    size = checked_maxsize(maxsize)

    def decorate(
        make: Callable[P, AsyncIterator[T]],
    ) -> Callable[P, AbstractAsyncContextManager[ReceiveChannel[T]]]:
        @wraps(make)
        def start(
            *args: P.args, **kwargs: P.kwargs
        ) -> AbstractAsyncContextManager[ReceiveChannel[T]]:
            return _Running(lambda: make(*args, **kwargs), size)

        return start

    if func is not None:
        return decorate(func)
    return decorate
