"""The two ends of a channel, as structural protocols.

``SendChannel`` is contravariant and ``ReceiveChannel`` covariant in their item type, so a
``ReceiveChannel[bool]`` can stand where a ``ReceiveChannel[int]`` is expected and a
``SendChannel[object]`` where a ``SendChannel[str]`` is. Both are ``runtime_checkable``;
``isinstance`` checks only that the members exist, not their signatures.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, TypeVar, runtime_checkable

from typing_extensions import Self

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
        """True once ``close()`` has been called."""
        ...

    async def put(self, item: T_contra) -> None:
        """Add ``item``, waiting for room if the channel is full.

        Raises ``ChannelClosed`` if the channel is closed, or is closed while this waits; the item
        is then not added.
        """
        ...

    def put_nowait(self, item: T_contra) -> None:
        """Add ``item`` now.

        Raises ``ChannelClosed`` if the channel is closed, else ``ChannelFull`` if it has no room.
        """
        ...

    def close(self) -> None:
        """Close the channel for good. Idempotent; never raises."""
        ...

    async def join(self) -> None:
        """Wait until the channel is closed and drained."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


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
        """True once the channel has been closed."""
        ...

    async def get(self) -> T_co:
        """Remove and return the oldest item, waiting for one if there is none.

        Raises ``ChannelClosed`` once the channel is closed and drained.
        """
        ...

    def get_nowait(self) -> T_co:
        """Remove and return the oldest item now.

        Raises ``ChannelClosed`` if the channel is closed and drained, else ``ChannelEmpty`` if no
        item is there.
        """
        ...

    async def join(self) -> None:
        """Wait until the channel is closed and drained."""
        ...

    def __aiter__(self) -> Self: ...

    async def __anext__(self) -> T_co: ...
