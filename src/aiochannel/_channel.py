"""``Channel`` and its ends: thin endpoints over one ``ChannelState``.

A channel has send handles and receive handles. An end object is one handle
(``ChannelSender`` or ``ChannelReceiver``, as returned by ``clone()``); a ``Channel`` holds one of
each, and its ``sender`` and ``receiver`` are views of those same two handles.

Each end reads ``_tx`` (send operations) or ``_rx`` (receive operations): the shared state while
its handle is open, and a ``ClosedHandle`` stand-in once it is closed or hung up, so that open
handles test nothing for it. ``_s`` is always the shared state, for the queries. A view's
``_owner`` is its ``Channel``, whose handle it shares (``None`` for every other end).

``put``, ``put_nowait``, ``get``, ``get_nowait`` and ``__anext__`` open with a fast path that
touches the buffer directly while ``put_fast`` / ``get_fast`` say that nothing else needs doing;
the bookkeeping is in ``ChannelState``. The fast paths, and the awaits of the waiter futures, are
inlined here rather than delegated, because each call or coroutine frame per item is a large
share of an item's cost.
"""

from __future__ import annotations

import warnings
from asyncio import AbstractEventLoop
from collections.abc import Iterator
from types import TracebackType
from typing import Generic, TypeVar, overload

from typing_extensions import Self, deprecated

from ._protocols import ReceiveChannel, SendChannel
from ._state import OVERFLOWS, ChannelState, ClosedHandle, Overflow
from ._statistics import ChannelStatistics

__all__ = ["Channel", "ChannelReceiver", "ChannelSender"]

T = TypeVar("T")


class ChannelEnd(Generic[T]):
    """What every end of a channel shares: the queries."""

    __slots__ = ("__weakref__", "_owner", "_rx", "_s", "_tx")

    _s: ChannelState[T]
    _tx: ChannelState[T]
    _rx: ChannelState[T]
    _owner: Channel[T] | None

    def __init__(self, state: ChannelState[T], owner: Channel[T] | None = None) -> None:
        self._s = self._tx = self._rx = state
        self._owner = owner

    @property
    def maxsize(self) -> int:
        """The buffer size the channel was made with; ``0`` means unbounded."""
        return self._s.maxsize

    def qsize(self) -> int:
        """Number of buffered items that a getter could take now.

        Items already promised to a woken getter are not counted.
        """
        return self._s.qsize()

    def statistics(self) -> ChannelStatistics:
        """A snapshot of the channel's counters; the same on every end of the channel."""
        return self._s.statistics()

    async def join(self) -> None:
        """Wait until the channel is closed and drained; return at once if it already is.

        Raises ``RuntimeError`` if tasks of another event loop wait on the channel.

        Cancellation: a cancelled ``join()`` changed nothing.
        """
        await self._s.join()

    def __repr__(self) -> str:
        return self._describe(f" at {id(self):#x}")

    def __str__(self) -> str:
        return self._describe("")

    def _describe(self, where: str) -> str:
        s = self._s
        kind = _END_NAMES.get(type(self)) or type(self).__name__
        closed = " closed" if self.closed() else ""
        return f"<{kind}{where} maxsize={s.maxsize!r} qsize={s.qsize()!r}{closed}>"

    def closed(self) -> bool:
        """True once this end can no longer be used (each kind of end says when)."""
        raise NotImplementedError

    def _handle(self) -> ChannelEnd[T]:
        """The object that stands for this end's handle: a view shares its channel's."""
        return self._owner or self

    def _set_tx(self, tx: ChannelState[T]) -> None:
        """Point this handle's send operations at ``tx`` (a ``Channel`` updates its view too)."""
        self._tx = tx

    def _set_rx(self, rx: ChannelState[T]) -> None:
        """Point this handle's receive operations at ``rx`` (a ``Channel`` updates its view
        too)."""
        self._rx = rx


class ClosesOnExit:
    """``with`` / ``async with`` for a send handle: gives it back, and closes it on exit. Leaving
    by an exception (any, cancellation included) closes it with that exception as the error, so
    that a failed producer is not taken for a finished one."""

    __slots__ = ()

    def close(self, error: BaseException | None = None) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close this handle, with the exception that left the block as the error, if any."""
        self.close(exc_value)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """As ``__exit__``. Raises as ``close()``.

        Cancellation: it never suspends, so a cancellation cannot interrupt it.
        """
        self.close(exc_value)


class ChannelSender(ChannelEnd[T], ClosesOnExit):
    """A send handle of a channel (``Channel.sender``, or a clone), and the send operations of a
    channel."""

    __slots__ = ()

    def full(self) -> bool:
        """True if there is no free slot: ``put_nowait`` would raise ``ChannelFull`` (or, with a
        lossy ``overflow``, drop an item).

        Always False for an unbounded channel.
        """
        return self._s.room() <= 0

    def closed(self) -> bool:
        """True once this handle can no longer put: it was closed, or the channel is closed."""
        return self._tx is not self._s or self._s.closed

    async def put(self, item: T) -> None:
        """Add ``item`` at the tail, waiting for room if the channel is full.

        Raises ``ChannelClosed`` if this handle or the channel is closed, or is closed while this
        waits (whoever closed it); the item is then not added. If the channel was closed with an
        error, the ``ChannelClosed`` has it as ``__cause__``. Raises ``RuntimeError`` if tasks of
        another event loop wait on the channel, or of a loop in another thread.

        Cancellation: a cancelled ``put()`` added nothing, and a slot that had been granted to it
        passes to the next waiting putter. A ``put()`` that returned added ``item`` exactly once.
        """
        s = self._tx
        items = s.put_fast
        if items is not None and len(items) < s.put_limit:
            items.append(item)
            return
        if s.offer(item):
            return
        putter = s.enqueue_putter(self._owner or self)
        try:
            granted = await putter
        except BaseException:
            s.abandon_putter(putter)
            raise
        if self._tx is not s:  # this handle was closed while the put waited
            s.abandon_putter(putter)
            raise self._tx.closed_error()
        s.fill_slot(granted, item)

    def put_nowait(self, item: T) -> None:
        """Add ``item`` at the tail without waiting.

        Raises ``ChannelClosed`` if this handle or the channel is closed, else ``ChannelFull`` if
        there is no room (a slot freed for a waiting ``put()`` is that putter's, not ours).
        Raises ``RuntimeError`` if getters wait on the channel in another thread's loop.
        """
        s = self._tx
        items = s.put_fast
        if items is not None and len(items) < s.put_limit:
            items.append(item)
            return
        if not s.offer(item):
            s.offer_again(item)

    def close(self, error: BaseException | None = None) -> None:
        """Close this send handle; idempotent. When the last open send handle closes, the
        channel closes.

        The channel closing: waiting putters raise ``ChannelClosed`` and their items are not
        added; buffered items stay for getters to drain, after which getters raise
        ``ChannelClosed``. A getter waiting at that moment raises it at once, except as many of
        the oldest as there are items promised to getters that have not resumed yet (such an
        item comes back if its getter is cancelled): they wait until the last promise is settled.
        Only this handle closing: the puts waiting through it raise ``ChannelClosed``.

        ``error``: the first error given while the channel is open (through any send handle,
        closed or not) closes the channel at once, whatever send handles are open; from then on
        every ``ChannelClosed`` the channel raises has it as ``__cause__``. Later errors are
        ignored.

        Raises ``TypeError`` if ``error`` is not an exception instance, and ``RuntimeError`` if
        tasks wait on the channel in another thread's loop; nothing is closed then.
        """
        error = checked_error(error)
        s = self._s
        if self._tx is s:
            handle = self._handle()
            s.close_sender(handle, error)
            handle._set_tx(ClosedHandle(s, "this send handle is closed"))
        elif error is not None:
            s.fail(error)

    def clone(self) -> Self:
        """A new send handle of the same channel: the channel stays open until it is closed too.

        Raises ``ChannelClosed`` if this handle or the channel is closed.
        """
        if self.closed():
            raise self._tx.closed_error()
        s = self._s
        s.clone_sender(self._handle())
        return type(self)(s)


class ChannelReceiver(ChannelEnd[T]):
    """A receive handle of a channel (``Channel.receiver``, or a clone), and the receive
    operations of a channel."""

    __slots__ = ()

    def empty(self) -> bool:
        """True if ``get_nowait`` would find no item to take."""
        return self._s.qsize() <= 0

    def closed(self) -> bool:
        """True once this handle hung up, or the channel is closed (it may still hold items)."""
        return self._rx is not self._s or self._s.closed

    async def get(self) -> T:
        """Remove and return the oldest item, waiting for one if there is none.

        Raises ``ChannelClosed`` once the channel is closed and drained (with the error as
        ``__cause__`` if it was closed with one), also while this waits, or if this handle hung
        up (also while this waits). Raises ``RuntimeError`` if tasks of another event loop wait
        on the channel, or of a loop in another thread.

        Cancellation: a cancelled ``get()`` took nothing; an item that had been promised to it
        passes to the next waiting getter, or goes back to the head of the channel.
        """
        s = self._rx
        items = s.get_fast
        if items:
            return items.popleft()
        if items is None and s.items:
            return s.take()
        getter = s.enqueue_getter(self._owner or self)
        if getter is None:
            raise s.closed_error()
        try:
            promised = await getter
        except BaseException:
            s.abandon_getter(getter)
            raise
        if self._rx is not s:  # this handle hung up while the get waited
            s.abandon_getter(getter)
            raise self._rx.closed_error()
        if not promised:
            raise s.closed_error()
        return s.claim()

    def get_nowait(self) -> T:
        """Remove and return the oldest item without waiting.

        Raises ``ChannelClosed`` if the channel is closed and drained, or this handle hung up;
        else ``ChannelEmpty`` if it holds no item that may be taken (an item put while a
        ``get()`` waits is that getter's). Raises ``RuntimeError`` if putters wait on the channel
        in another thread's loop.
        """
        s = self._rx
        items = s.get_fast
        if items:
            return items.popleft()
        if items is None and s.items:
            return s.take()
        return s.take_again()

    async def get_many(self, max_items: int) -> list[T]:
        """Wait for at least one item, then remove and return every item available now, oldest
        first, up to ``max_items``, without waiting again.

        Raises ``TypeError`` if ``max_items`` is not an ``int``, ``ValueError`` if it is below 1,
        and otherwise as ``get()``.

        Cancellation: a cancelled ``get_many()`` took nothing; an item that had been promised to
        it passes to the next waiting getter, or goes back to the head of the channel.
        """
        limit = checked_max_items(max_items)
        s = self._rx
        if s.items:
            return s.take_many(limit)
        item = await self.get()  # waits (no await follows: this handle is still open)
        return self._rx.and_more(item, limit)

    def get_nowait_many(self, max_items: int) -> list[T]:
        """Remove and return every item available now, oldest first, up to ``max_items``.

        Raises ``ChannelEmpty`` if there is none, and otherwise as ``get_nowait()`` and
        ``get_many()``.
        """
        limit = checked_max_items(max_items)
        s = self._rx
        if s.items:
            return s.take_many(limit)
        item = self.get_nowait()  # raises, or an item that came back from a closed loop
        return self._rx.and_more(item, limit)

    def hang_up(self) -> None:
        """Give up this receive handle; idempotent. When the last open receive handle hangs up,
        nobody can ever take an item: the channel closes, every item it holds is discarded, and
        puts (waiting or later) raise ``ChannelClosed``.

        Gets waiting through this handle raise ``ChannelClosed``, and ``async for`` over it ends.

        Raises ``RuntimeError`` if tasks wait on the channel in another thread's loop; nothing is
        hung up then.
        """
        s = self._s
        if self._rx is s:
            handle = self._handle()
            s.hang_up_receiver(handle)
            handle._set_rx(ClosedHandle(s, "this receive handle has hung up"))

    def clone(self) -> Self:
        """A new receive handle of the same channel: it shares the items with this one (each item
        goes to one of them).

        Raises ``ChannelClosed`` if this handle hung up, or the channel is closed.
        """
        if self.closed():
            raise self._rx.closed_error()
        s = self._s
        s.clone_receiver(self._handle())
        return type(self)(s)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        """Like ``get()``, but raises ``StopAsyncIteration`` once the channel is closed and
        drained without an error, or this handle hung up.

        Cancellation: as for ``get()``.
        """
        s = self._rx
        items = s.get_fast
        if items:
            return items.popleft()
        if items is None and s.items:
            return s.take()
        getter = s.enqueue_getter(self._owner or self)
        if getter is None:
            return self._stop(s)
        try:
            promised = await getter
        except BaseException:
            s.abandon_getter(getter)
            raise
        if self._rx is not s:  # this handle hung up while the iteration waited
            s.abandon_getter(getter)
            raise StopAsyncIteration
        if not promised:
            return self._stop(s)
        return s.claim()

    def _stop(self, s: ChannelState[T]) -> T:
        """End an iteration over a closed and drained channel (or a hung-up handle): raise
        ``StopAsyncIteration``, or ``ChannelClosed`` from the error the channel was closed with."""
        if s is self._s:
            error = s.closed_error()
            if error.__cause__ is not None:
                raise error
        raise StopAsyncIteration


#: What ``repr()`` calls the ends: the protocols users know them by. A ``Channel`` (or a subclass)
#: goes by the name of its class.
_END_NAMES: dict[type[object], str] = {
    ChannelSender: "SendChannel",
    ChannelReceiver: "ReceiveChannel",
}


def checked_error(error: object) -> BaseException | None:
    """``close()``'s ``error``, checked at run time whatever the annotations promised."""
    if error is None or isinstance(error, BaseException):
        return error
    raise TypeError(
        f"close() takes an exception instance or None, got {error!r} of type {type(error).__name__}"
    )


def checked_max_items(max_items: object) -> int:
    """``max_items`` of ``get_many``, checked at run time whatever the annotations promised."""
    if not isinstance(max_items, int) or isinstance(max_items, bool):
        raise TypeError(
            f"max_items must be an int >= 1, got {max_items!r} of type {type(max_items).__name__}"
        )
    limit = int(max_items)
    if limit < 1:
        raise ValueError(f"max_items must be an int >= 1, got {limit!r}")
    return limit


def checked_overflow(overflow: object, maxsize: int, choices: tuple[Overflow, ...]) -> Overflow:
    """``overflow``, checked at run time: one of ``choices``, and lossy only when bounded."""
    for choice in choices:
        if overflow == choice and isinstance(overflow, str):
            if choice != "wait" and not maxsize:
                raise ValueError(
                    f"overflow={choice!r} needs a bounded channel (maxsize >= 1), got maxsize=0"
                )
            return choice
    names = ", ".join(repr(choice) for choice in choices)
    raise ValueError(f"overflow must be one of {names}, got {overflow!r}")


def checked_maxsize(maxsize: object) -> int:
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
    """A closable FIFO channel of items of type ``T``, holding a send handle and a receive
    handle, which ``sender`` and ``receiver`` give access to separately.

    ``maxsize`` bounds the buffer; ``0`` (the default) means unbounded. ``overflow`` says what a
    put does when a bounded channel is full: ``"wait"`` (the default) for room, or never wait and
    drop an item: ``"drop_oldest"`` the oldest buffered one, ``"drop_newest"`` the one being put
    (counted in ``statistics().dropped``). A channel needs no event loop to be made, and may be
    used from any loop while nothing waits on it.

    Raises ``TypeError`` if ``maxsize`` is not an ``int``, ``ValueError`` if it is negative, or if
    ``overflow`` is not one of the three, or lossy on an unbounded channel.
    """

    # __dict__: 1.x channels took attributes (``ch.name = "jobs"``, ``mock.patch.object``).
    __slots__ = ("__dict__", "_receiver", "_sender")

    @overload
    def __init__(self, maxsize: int = 0, *, overflow: Overflow = "wait") -> None: ...

    @overload
    @deprecated("the loop argument is not needed: a channel binds to the running loop when used")
    def __init__(
        self, maxsize: int = 0, *, overflow: Overflow = "wait", loop: AbstractEventLoop | None
    ) -> None: ...

    def __init__(
        self, maxsize: int = 0, *, overflow: Overflow = "wait", loop: object = _NOT_GIVEN
    ) -> None:
        maxsize = checked_maxsize(maxsize)
        overflow = checked_overflow(overflow, maxsize, OVERFLOWS)
        if loop is not _NOT_GIVEN:
            warnings.warn(
                "Channel(loop=...) is deprecated and ignored: "
                "a channel binds to the running loop when used",
                DeprecationWarning,
                stacklevel=2,
            )
        self._s = self._tx = self._rx = ChannelState(maxsize, overflow)
        self._owner = None
        self._sender: ChannelSender[T] | None = None
        self._receiver: ChannelReceiver[T] | None = None

    @property
    def sender(self) -> SendChannel[T]:
        """The send end: this channel's send handle, without the receive operations.

        It offers no way to receive or back to the channel.
        """
        view = self._sender
        if view is None:
            view = self._sender = ChannelSender(self._s, self)
            view._tx = self._tx
        return view

    @property
    def receiver(self) -> ReceiveChannel[T]:
        """The receive end: this channel's receive handle, without the send operations.

        It offers no way to send, to close, or back to the channel.
        """
        view = self._receiver
        if view is None:
            view = self._receiver = ChannelReceiver(self._s, self)
            view._rx = self._rx
        return view

    def closed(self) -> bool:
        """True once the channel is closed, or both of this object's handles are (closing only
        its send handle makes ``sender.closed()`` true, not this)."""
        s = self._s
        return s.closed or (self._tx is not s and self._rx is not s)

    def clone(self) -> Self:
        """A new ``Channel`` object on the same channel, with a new send handle and a new receive
        handle (and views of its own).

        Raises ``ChannelClosed`` if the channel is closed, or either handle of this object is.
        """
        s = self._s
        if self._tx is not s or self._rx is not s or s.closed:
            raise (self._tx if self._tx is not s else self._rx).closed_error()
        s.clone_sender(self)
        s.clone_receiver(self)
        clone = type(self).__new__(type(self))
        clone._s = clone._tx = clone._rx = s
        clone._owner = clone._sender = clone._receiver = None
        return clone

    def _set_tx(self, tx: ChannelState[T]) -> None:
        self._tx = tx
        view = self._sender
        if view is not None:
            view._tx = tx

    def _set_rx(self, rx: ChannelState[T]) -> None:
        self._rx = rx
        view = self._receiver
        if view is not None:
            view._rx = rx

    def __iter__(self) -> Iterator[T]:
        """Iterate over a snapshot of the items ``get_nowait`` could take, oldest first.

        Takes nothing out of the channel.
        """
        s = self._s
        items = s.items
        return iter(() if items is None else list(items))
