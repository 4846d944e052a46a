"""The two ends of a channel, as structural protocols.

``SendChannel`` is contravariant and ``ReceiveChannel`` covariant in their item type, so a
``ReceiveChannel[bool]`` can stand where a ``ReceiveChannel[int]`` is expected and a
``SendChannel[object]`` where a ``SendChannel[str]`` is. Both are ``runtime_checkable``;
``isinstance`` checks only that the members exist, not their signatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, TypeVar, runtime_checkable

from typing_extensions import Self

from ._statistics import ChannelStatistics

__all__ = ["ReceiveChannel", "SendChannel"]

T_contra = TypeVar("T_contra", contravariant=True)
T_co = TypeVar("T_co", covariant=True)


@runtime_checkable
class SendChannel(Protocol[T_contra]):
    """The sending end of a channel: put items in, close it."""

    @property
    def maxsize(self) -> int:
        """The buffer size the channel was made with; ``0`` means unbounded."""
        ...

    def qsize(self) -> int:
        """Number of buffered items that a getter could take now."""
        ...

    def full(self) -> bool:
        """True if ``put_nowait`` would raise ``ChannelFull`` for lack of room."""
        ...

    def closed(self) -> bool:
        """True once this end can no longer put: it was closed, or the channel is closed."""
        ...

    async def put(self, item: T_contra) -> None:
        """Add ``item``, waiting for room if the channel is full.

        Raises ``ChannelClosed`` if this end or the channel is closed, or is closed while this
        waits; the item is then not added.

        Cancellation: a cancelled ``put()`` added nothing; a ``put()`` that returned added
        ``item`` exactly once.
        """
        ...

    def put_nowait(self, item: T_contra) -> None:
        """Add ``item`` now.

        Raises ``ChannelClosed`` if this end or the channel is closed, else ``ChannelFull`` if
        there is no room.
        """
        ...

    def close(self, error: BaseException | None = None) -> None:
        """Close this end; idempotent. The channel closes with its last send end, or at once if
        ``error`` is given (getters then raise ``ChannelClosed`` from it, once drained)."""
        ...

    def clone(self) -> Self:
        """Another send end of the same channel, which stays open until that one closes too.

        Raises ``ChannelClosed`` if this end or the channel is closed.
        """
        ...

    def statistics(self) -> ChannelStatistics:
        """A snapshot of the channel's counters."""
        ...

    async def join(self) -> None:
        """Wait until the channel is closed and drained (for a ``Broadcast``: read by every
        subscriber).

        Raises ``RuntimeError`` if tasks of another event loop wait on the channel.

        Cancellation: a cancelled ``join()`` changed nothing.
        """
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close this end; leaving by an exception closes it with that exception as the error."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """As ``__exit__``. Raises as ``close()``.

        Cancellation: it never suspends, so a cancellation cannot interrupt it.
        """
        ...


@runtime_checkable
class ReceiveChannel(Protocol[T_co]):
    """The receiving end of a channel: take items out, iterate until closed and drained."""

    @property
    def maxsize(self) -> int:
        """The buffer size the channel was made with; ``0`` means unbounded."""
        ...

    def qsize(self) -> int:
        """Number of buffered items that a getter could take now."""
        ...

    def empty(self) -> bool:
        """True if ``get_nowait`` would find no item."""
        ...

    def closed(self) -> bool:
        """True once this end hung up, or the channel is closed (it may still hold items)."""
        ...

    async def get(self) -> T_co:
        """Remove and return the oldest item, waiting for one if there is none.

        Raises ``ChannelClosed`` once the channel is closed and drained, or this end hung up; a
        subscriber of a ``Broadcast`` with ``overflow="drop_oldest"`` raises ``ChannelLagged``
        if items were dropped before it read them.

        Cancellation: a cancelled ``get()`` took nothing.
        """
        ...

    def get_nowait(self) -> T_co:
        """Remove and return the oldest item now.

        Raises ``ChannelClosed`` if the channel is closed and drained or this end hung up, else
        ``ChannelEmpty`` if no item is there.
        """
        ...

    async def get_many(self, max_items: int) -> Sequence[T_co]:
        """Wait for at least one item, then take every item available, oldest first, up to
        ``max_items`` (a ``list`` at run time).

        Raises ``TypeError`` if ``max_items`` is not an ``int``, ``ValueError`` if it is below 1,
        and otherwise as ``get()``.

        Cancellation: a cancelled ``get_many()`` took nothing.
        """
        ...

    def get_nowait_many(self, max_items: int) -> Sequence[T_co]:
        """Take every item available now, up to ``max_items``; ``ChannelEmpty`` if none is."""
        ...

    def hang_up(self) -> None:
        """Give up this end; idempotent. Once every receive end hung up, the channel closes and
        discards its items, and puts raise ``ChannelClosed``."""
        ...

    def clone(self) -> Self:
        """Another receive end of the same channel; the two share its items.

        Raises ``ChannelClosed`` if this end hung up, or the channel is closed.
        """
        ...

    def statistics(self) -> ChannelStatistics:
        """A snapshot of the channel's counters."""
        ...

    async def join(self) -> None:
        """Wait until the channel is closed and drained.

        Raises ``RuntimeError`` if tasks of another event loop wait on the channel.

        Cancellation: a cancelled ``join()`` changed nothing.
        """
        ...

    def __aiter__(self) -> Self: ...

    async def __anext__(self) -> T_co:
        """The next item, as ``get()``; ends the iteration (``StopAsyncIteration``) once the
        channel is closed and drained without an error, or this end hung up. A channel closed
        with an error raises its ``ChannelClosed`` instead.

        Cancellation: as for ``get()``.
        """
        ...
