"""The protocols across package boundaries: exposing a receive end, and implementing the ends."""

from __future__ import annotations

from collections import deque
from types import TracebackType
from typing import Generic, TypeVar

from typing_extensions import Self, assert_type

from aiochannel import (
    Channel,
    ChannelClosed,
    ChannelEmpty,
    ChannelStatistics,
    ReceiveChannel,
    SendChannel,
)

T = TypeVar("T")
E = TypeVar("E")


# -- A library author exposes only the receive end of a channel it feeds. ----------------------


class Event:
    pass


class Click(Event):
    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y


class Button(Generic[E]):
    """Publishes events of type ``E``; users can read them but not inject or close."""

    def __init__(self) -> None:
        self._events: Channel[E] = Channel(maxsize=16)

    @property
    def events(self) -> ReceiveChannel[E]:
        return self._events.receiver

    async def emit(self, event: E) -> None:
        await self._events.put(event)


async def log_everything(events: ReceiveChannel[object]) -> list[str]:
    """A consumer that accepts events of any kind."""
    return [repr(event) async for event in events]


async def clicks_only(events: ReceiveChannel[Click]) -> list[tuple[int, int]]:
    return [(click.x, click.y) async for click in events]


async def library_author(button: Button[Click], any_button: Button[Event], click: Click) -> None:
    assert_type(button.events, ReceiveChannel[Click])
    assert_type(await button.events.get(), Click)
    assert_type(await log_everything(button.events), list[str])
    assert_type(await log_everything(any_button.events), list[str])
    assert_type(await clicks_only(button.events), list[tuple[int, int]])
    await clicks_only(any_button.events)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await button.emit(click)
    await button.emit(Event())  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # The consumer has no way to write or close.
    button.events.put_nowait(click)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    button.events.close()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]


# -- A user-written class implements both protocols structurally, without inheriting. ----------


class ListChannel(Generic[T]):
    """An unbounded, single-threaded channel of its own; no aiochannel class among its bases."""

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._closed = False

    @property
    def maxsize(self) -> int:
        return 0

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items

    def full(self) -> bool:
        return False

    def closed(self) -> bool:
        return self._closed

    async def put(self, item: T) -> None:
        self.put_nowait(item)

    def put_nowait(self, item: T) -> None:
        if self._closed:
            raise ChannelClosed("channel is closed")
        self._items.append(item)

    async def get(self) -> T:
        return self.get_nowait()

    def get_nowait(self) -> T:
        if self._items:
            return self._items.popleft()
        if self._closed:
            raise ChannelClosed("channel is closed")
        raise ChannelEmpty("channel is empty")

    def close(self, error: BaseException | None = None) -> None:
        self._closed = True

    async def get_many(self, max_items: int) -> list[T]:
        return self.get_nowait_many(max_items)

    def get_nowait_many(self, max_items: int) -> list[T]:
        return [self.get_nowait() for _ in range(min(max_items, len(self._items)) or 1)]

    def hang_up(self) -> None:
        self._items.clear()

    def clone(self) -> Self:
        return self

    def statistics(self) -> ChannelStatistics:
        n = len(self._items)
        return ChannelStatistics(0, n, n, 1, 1, 0, 0, self._closed)

    async def join(self) -> None:
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        try:
            return self.get_nowait()
        except ChannelClosed:
            raise StopAsyncIteration from None


class GetOnly(Generic[T]):
    """Has ``get`` and nothing else: not a receive end."""

    def __init__(self, item: T) -> None:
        self._item = item

    async def get(self) -> T:
        return self._item


def wants_rx_int(rx: ReceiveChannel[int]) -> None: ...


def wants_tx_int(tx: SendChannel[int]) -> None: ...


def wants_tx_bool(tx: SendChannel[bool]) -> None: ...


def wants_rx_object(rx: ReceiveChannel[object]) -> None: ...


async def pump(source: ReceiveChannel[T], sink: SendChannel[T]) -> int:
    """Generic over the item type, fed by any implementation of the two ends."""
    n = 0
    async with sink:
        async for item in source:
            await sink.put(item)
            n += 1
    return n


async def user_implementation(
    mine: ListChannel[int], other: ListChannel[str], theirs: Channel[int], get_only: GetOnly[int]
) -> None:
    wants_rx_int(mine)
    wants_tx_int(mine)
    wants_tx_bool(mine)  # contravariance applies to structural matches too
    wants_rx_object(mine)  # and covariance
    wants_rx_int(other)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_tx_int(other)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_rx_int(get_only)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    rx: ReceiveChannel[int] = mine
    tx: SendChannel[int] = mine
    assert_type(await rx.get(), int)
    assert_type(await tx.put(1), None)
    with mine as m:
        assert_type(m, ListChannel[int])
    async for item in mine:
        assert_type(item, int)
    # Mixed with the library's own channels, in both directions.
    assert_type(await pump(mine, theirs), int)
    assert_type(await pump(theirs, mine), int)
    assert_type(await pump(theirs.receiver, mine), int)
    await pump(other, theirs)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
