"""``Channel`` and its send and receive views: thin endpoints over one ``ChannelState``.

``put``, ``put_nowait``, ``get``, ``get_nowait`` and ``__anext__`` open with a fast path that
touches the buffer directly while ``ChannelState.put_fast`` / ``get_fast`` say that nothing else
needs doing; the bookkeeping is in ``ChannelState``. The fast paths, and the awaits of the waiter
futures, are inlined here rather than delegated, because each call or coroutine frame per item is a
large share of an item's cost.
"""

from __future__ import annotations

import warnings
from asyncio import AbstractEventLoop
from collections.abc import Iterator
from types import TracebackType
from typing import Generic, TypeVar, overload

from typing_extensions import Self, deprecated

from ._protocols import ReceiveChannel, SendChannel
from ._state import ChannelState, closed_error

__all__ = ["Channel"]

T = TypeVar("T")


class ChannelEnd(Generic[T]):
    """What both ends of a channel share: the read-only queries."""

    __slots__ = ("__weakref__", "_s")

    _s: ChannelState[T]

    def __init__(self, state: ChannelState[T]) -> None:
        self._s = state

    @property
    def maxsize(self) -> int:
        """The buffer size the channel was made with; ``0`` means unbounded."""
        return self._s.maxsize

    def qsize(self) -> int:
        """Number of buffered items that a getter could take now.

        Items already promised to a woken getter are not counted.
        """
        return self._s.qsize()

    def closed(self) -> bool:
        """True once ``close()`` has been called."""
        return self._s.closed

    async def join(self) -> None:
        """Wait until the channel is closed and drained; return at once if it already is.

        Raises ``RuntimeError`` if tasks of another event loop wait on the channel.
        """
        await self._s.join()

    def __repr__(self) -> str:
        return self._describe(f" at {id(self):#x}")

    def __str__(self) -> str:
        return self._describe("")

    def _describe(self, where: str) -> str:
        s = self._s
        kind = _END_NAMES.get(type(self)) or type(self).__name__
        closed = " closed" if s.closed else ""
        return f"<{kind}{where} maxsize={s.maxsize!r} qsize={s.qsize()!r}{closed}>"


class ChannelSender(ChannelEnd[T]):
    """The send end of a channel (``Channel.sender``), and the send operations of a channel."""

    __slots__ = ()

    def full(self) -> bool:
        """True if ``put_nowait`` would raise ``ChannelFull`` for lack of room.

        Always False for an unbounded channel.
        """
        return self._s.room() <= 0

    async def put(self, item: T) -> None:
        """Add ``item`` at the tail, waiting for room if the channel is full.

        Raises ``ChannelClosed`` if the channel is closed, or is closed while this waits; the item
        is then not added. If cancelled, the item is not added. Raises ``RuntimeError`` if tasks of
        another event loop wait on the channel.
        """
        s = self._s
        items = s.put_fast
        if items is not None and len(items) < s.put_limit:
            items.append(item)
            return
        if s.offer(item):
            return
        putter = s.enqueue_putter()
        try:
            granted = await putter
        except BaseException:
            s.abandon_putter(putter)
            raise
        s.fill_slot(granted, item)

    def put_nowait(self, item: T) -> None:
        """Add ``item`` at the tail without waiting.

        Raises ``ChannelClosed`` if the channel is closed, else ``ChannelFull`` if it has no room
        (a slot freed for a waiting ``put()`` is that putter's, not ours).
        """
        s = self._s
        items = s.put_fast
        if items is not None and len(items) < s.put_limit:
            items.append(item)
            return
        if not s.offer(item):
            s.offer_again(item)

    def close(self) -> None:
        """Close the channel for good; idempotent.

        Waiting putters raise ``ChannelClosed`` and their items are not added. Buffered items stay
        for getters to drain. Waiting getters raise ``ChannelClosed``, except as many of the
        oldest as there are items promised to getters that have not resumed yet (such an item
        comes back if its getter is cancelled): they wait until the last promise is settled.

        Raises ``RuntimeError`` (and closes nothing) if tasks wait on the channel and this runs in
        another thread than their loop's.
        """
        self._s.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._s.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._s.close()


class ChannelReceiver(ChannelEnd[T]):
    """The receive end of a channel (``Channel.receiver``), and the receive operations of a
    channel."""

    __slots__ = ()

    def empty(self) -> bool:
        """True if ``get_nowait`` would find no item to take."""
        return self._s.qsize() <= 0

    async def get(self) -> T:
        """Remove and return the oldest item, waiting for one if there is none.

        Raises ``ChannelClosed`` once the channel is closed and drained, also while this waits.
        If cancelled, no item is taken. Raises ``RuntimeError`` if tasks of another event loop wait
        on the channel.
        """
        s = self._s
        items = s.get_fast
        if items:
            return items.popleft()
        if items is None and s.items:
            return s.take()
        getter = s.enqueue_getter()
        if getter is None:
            raise closed_error()
        try:
            promised = await getter
        except BaseException:
            s.abandon_getter(getter)
            raise
        if not promised:
            raise closed_error()
        return s.claim()

    def get_nowait(self) -> T:
        """Remove and return the oldest item without waiting.

        Raises ``ChannelClosed`` if the channel is closed and drained, else ``ChannelEmpty`` if it
        holds no item that may be taken (an item put while a ``get()`` waits is that getter's).
        """
        s = self._s
        items = s.get_fast
        if items:
            return items.popleft()
        if items is None and s.items:
            return s.take()
        return s.take_again()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        """Like ``get()``, but raises ``StopAsyncIteration`` once closed and drained."""
        s = self._s
        items = s.get_fast
        if items:
            return items.popleft()
        if items is None and s.items:
            return s.take()
        getter = s.enqueue_getter()
        if getter is None:
            raise StopAsyncIteration
        try:
            promised = await getter
        except BaseException:
            s.abandon_getter(getter)
            raise
        if not promised:
            raise StopAsyncIteration
        return s.claim()


#: What ``repr()`` calls the ends: the protocols users know them by. A ``Channel`` (or a subclass)
#: goes by the name of its class.
_END_NAMES: dict[type[object], str] = {
    ChannelSender: "SendChannel",
    ChannelReceiver: "ReceiveChannel",
}


def _checked_maxsize(maxsize: object) -> int:
    """``maxsize`` as a plain ``int``, checked at run time whatever the annotations promised."""
    if not isinstance(maxsize, int) or isinstance(maxsize, bool):
        raise TypeError(
            f"maxsize must be an int >= 0 (0 means unbounded), "
            f"got {maxsize!r} of type {type(maxsize).__name__}"
        )
    # Converted first, so that what is checked is what is used (also for an int subclass, such
    # as an IntEnum member, whatever its __int__ or comparisons do).
    value = int(maxsize)
    if value < 0:
        raise ValueError(f"maxsize must be an int >= 0 (0 means unbounded), got {value!r}")
    return value


class _NotGiven:
    """Marks the ``loop`` keyword as not passed; shows as ``<not given>`` in ``help()``."""

    def __repr__(self) -> str:
        return "<not given>"


_NOT_GIVEN = _NotGiven()


class Channel(ChannelSender[T], ChannelReceiver[T]):
    """A closable FIFO channel of items of type ``T``, with a send view and a receive view.

    ``maxsize`` bounds the buffer; ``0`` (the default) means unbounded. A channel needs no event
    loop to be made, and may be used from any loop while nothing waits on it.

    Raises ``TypeError`` if ``maxsize`` is not an ``int``, ``ValueError`` if it is negative.
    """

    # __dict__: 1.x channels took attributes (``ch.name = "jobs"``, ``mock.patch.object``).
    __slots__ = ("__dict__", "_receiver", "_sender")

    @overload
    def __init__(self, maxsize: int = 0) -> None: ...

    @overload
    @deprecated("the loop argument is not needed: a channel binds to the running loop when used")
    def __init__(self, maxsize: int = 0, *, loop: AbstractEventLoop | None) -> None: ...

    def __init__(self, maxsize: int = 0, *, loop: object = _NOT_GIVEN) -> None:
        maxsize = _checked_maxsize(maxsize)
        if loop is not _NOT_GIVEN:
            warnings.warn(
                "Channel(loop=...) is deprecated and ignored: "
                "a channel binds to the running loop when used",
                DeprecationWarning,
                stacklevel=2,
            )
        self._s = ChannelState(maxsize)
        self._sender: ChannelSender[T] | None = None
        self._receiver: ChannelReceiver[T] | None = None

    @property
    def sender(self) -> SendChannel[T]:
        """The send end: ``put``, ``put_nowait``, ``close``, and the queries.

        It shares this channel's state, and offers no way to receive or back to the channel.
        """
        view = self._sender
        if view is None:
            view = self._sender = ChannelSender(self._s)
        return view

    @property
    def receiver(self) -> ReceiveChannel[T]:
        """The receive end: ``get``, ``get_nowait``, async iteration, and the queries.

        It shares this channel's state, and offers no way to send, to close, or back to the channel.
        """
        view = self._receiver
        if view is None:
            view = self._receiver = ChannelReceiver(self._s)
        return view

    def __iter__(self) -> Iterator[T]:
        """Iterate over a snapshot of the items ``get_nowait`` could take, oldest first.

        Takes nothing out of the channel.
        """
        s = self._s
        items = s.items
        return iter(() if items is None else list(items))
