"""``select()``: take exactly one item from exactly one of several receive ends.

A waiting select has one future, and stands in the line of getters of every channel with an
*entry* over that future. The first channel to serve an entry resolves the future, as it would a
getter's: with an item promised (kept for the select in that channel's ``promised``), or with
"closed". Every other channel then finds the future done, and passes over its entry: served once,
the select has left every other line, and the select withdraws its entries when it resumes (which
costs O(1) each, as a cancelled getter does). If the select is cancelled after it was promised an
item, it gives the promise back to that channel, as a cancelled ``get()`` does.

Receive ends of this library are *sources*: a ``ChannelState`` (the state behind a channel's
receive handle, or the closed stand-in of a hung-up one) and the handle the wait goes through. A
``merge()`` end stands for the sources of its inputs.
"""

from __future__ import annotations

import random
from asyncio import AbstractEventLoop, Future, get_running_loop
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar, overload

from typing_extensions import TypeIs

from ._channel import ChannelEnd, ChannelReceiver
from ._errors import ChannelClosed, ChannelEmpty
from ._protocols import ReceiveChannel
from ._state import ChannelState, Waiter

__all__ = ["Selected", "select", "select_nowait", "selected_from"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
E = TypeVar("E")
F = TypeVar("F")


class Selected(Generic[T_co]):
    """What ``select()`` took: ``item`` from ``channel``, or, if ``closed``, nothing, because that
    channel was chosen being closed and drained (then ``item`` raises its ``ChannelClosed``)."""

    __slots__ = ("_channel", "_error", "_item")

    def __init__(
        self,
        channel: ReceiveChannel[T_co],
        item: tuple[T_co] | None,
        error: ChannelClosed | None = None,
    ) -> None:
        self._channel = channel
        self._item = item
        self._error = error

    @property
    def channel(self) -> ReceiveChannel[T_co]:
        """The receive end the item came from: the very object passed to ``select()``."""
        return self._channel

    @property
    def closed(self) -> bool:
        """True if ``channel`` was chosen because it is closed and drained (or hung up): then
        nothing was taken."""
        return self._item is None

    @property
    def item(self) -> T_co:
        """The item taken. Raises ``channel``'s ``ChannelClosed`` if ``closed``."""
        item = self._item
        if item is None:
            assert self._error is not None
            raise self._error
        return item[0]

    def __repr__(self) -> str:
        what = "closed" if self._item is None else f"item={self._item[0]!r}"
        return f"<Selected {what} from {self._channel!r}>"


def selected_from(selected: Selected[object], channel: ReceiveChannel[T]) -> TypeIs[Selected[T]]:
    """Whether ``selected`` came from ``channel``: narrows it to ``Selected[T]``."""
    return selected.channel is channel


# -- sources ---------------------------------------------------------------------------------------


class Selectable(Protocol[T_co]):
    """What a select needs of what it waits on: a ``ChannelState``, or a subscriber's state."""

    def ready(self) -> bool: ...

    def take_ready(self) -> T_co: ...

    def lagged(self) -> bool: ...

    def enqueue_entry(self, entry: Waiter, handle: object, loop: AbstractEventLoop) -> bool: ...

    def withdraw(self, entry: Waiter) -> None: ...

    def abandon_getter(self, getter: Waiter) -> None: ...

    def claim(self) -> T_co: ...

    def closed_error(self) -> ChannelClosed: ...

    def qsize(self) -> int: ...

    @property
    def closed(self) -> bool: ...


class Source(Generic[T]):
    """One line a select waits in: the state it belongs to, the channel handle a wait goes
    through (``None`` for a subscriber), and the end it was reached from (what
    ``Selected.channel`` reports)."""

    __slots__ = ("end", "handle", "state")

    def __init__(
        self, end: ReceiveChannel[T], handle: ChannelEnd[T] | None, state: Selectable[T]
    ) -> None:
        self.end = end
        self.handle = handle
        self.state = state

    def hung_up(self) -> bool:
        """Whether the channel handle hung up since (its state swapped for the stand-in)."""
        handle = self.handle
        return handle is not None and _rx_of(handle) is not self.state

    def closed_error(self) -> ChannelClosed:
        handle = self.handle
        return (self.state if handle is None else _rx_of(handle)).closed_error()


# The ends keep their state private from their users, not from the rest of this package: select
# and merge are its clients, and these two functions are the only places where they read it.


def _rx_of(handle: ChannelEnd[T]) -> ChannelState[T]:
    return handle._rx  # pyright: ignore[reportPrivateUsage]


def _handle_of(end: ChannelReceiver[T]) -> ChannelEnd[T]:
    return end._handle()  # pyright: ignore[reportPrivateUsage]


class Follows(Generic[T]):
    """A receive end over a follower state (a subscriber of a ``Broadcast`` or a ``Watch``)."""

    __slots__ = ("_follower",)

    _follower: Selectable[T]

    def __init__(self, follower: Selectable[T]) -> None:
        self._follower = follower


class SourceGroup(Generic[T]):
    """A receive end made of the sources of others (the ``merge()`` end): a select over it waits
    on its inputs still open."""

    __slots__ = ("_inputs",)

    _inputs: list[Source[T]]

    def __init__(self, inputs: list[Source[T]]) -> None:
        self._inputs = inputs


def sources_of(channels: tuple[ReceiveChannel[T], ...], what: str) -> list[Source[T]]:
    """The sources of ``channels``, checked: receive ends of this library, none twice, at least
    one. A ``merge()`` end stands for its inputs that are still open."""

    if not channels:
        raise ValueError(f"{what}() needs at least one receive end, got none")
    seen: set[int] = set()
    sources: list[Source[T]] = []
    for end in channels:
        if id(end) in seen:
            raise ValueError(f"{what}() got the same receive end twice: {end!r}")
        seen.add(id(end))
        if isinstance(end, SourceGroup):
            # Private as in _rx_of; and pyright cannot tell the item type of a protocol-typed
            # value narrowed to this generic base (mypy can), so the inputs read as unknown.
            inputs: list[Source[T]] = end._inputs  # pyright: ignore[reportPrivateUsage, reportUnknownMemberType, reportUnknownVariableType]
            sources.extend(Source(end, source.handle, source.state) for source in inputs)
        elif isinstance(end, ChannelReceiver):
            receiver: ChannelReceiver[T] = end
            handle = _handle_of(receiver)
            sources.append(Source(end, handle, _rx_of(handle)))
        elif isinstance(end, Follows):
            follower: Selectable[T] = end._follower  # pyright: ignore[reportPrivateUsage, reportUnknownMemberType, reportUnknownVariableType]  # as for SourceGroup
            sources.append(Source(end, None, follower))
        else:
            raise TypeError(
                f"{what}() takes receive ends of aiochannel channels, got {end!r} of type "
                f"{type(end).__name__}"
            )
    return sources


# -- waiting on several lines at once -------------------------------------------------------------


class Wait:
    """One waiting select: its future, which source served it (``-1``: none yet), and whether
    the merged end it waits through hung up (``ended``)."""

    __slots__ = ("ended", "future", "winner")

    def __init__(self, future: Future[bool]) -> None:
        self.future = future
        self.winner = -1
        self.ended = False


class Entry:
    """A select's place in one channel's line of getters; serving it serves the select."""

    __slots__ = ("future", "index", "wait")

    def __init__(self, wait: Wait, index: int) -> None:
        self.wait = wait
        self.future = wait.future
        self.index = index

    def done(self) -> bool:
        return self.future.done()

    def cancelled(self) -> bool:
        return self.future.cancelled()

    def result(self) -> bool:
        return self.future.result()

    def get_loop(self) -> AbstractEventLoop:
        return self.future.get_loop()

    def set_result(self, result: bool, /) -> None:
        self.future.set_result(result)  # raises if the loop is closed: then it never won
        self.wait.winner = self.index


def choose(sources: list[Source[T]], biased: bool) -> int:
    """The index of a source that is ready (the first, or one at random), or ``-1``."""
    return choose_state([source.state for source in sources], biased)


def choose_state(states: Sequence[Selectable[T]], biased: bool) -> int:
    """The index of a ready state: the first, or one uniformly at random among the ready ones
    (reservoir sampling: the n-th ready one replaces the choice with probability 1/n); ``-1``."""
    chosen = -1
    ready = 0
    for i, state in enumerate(states):
        if state.ready():
            if biased:
                return i
            ready += 1
            # Fairness, not secrecy: the module's generator is right here.
            if ready == 1 or random.random() * ready < 1.0:  # noqa: S311
                chosen = i
    return chosen


def _plain_states(
    channels: tuple[ReceiveChannel[object], ...],
) -> list[ChannelState[object]] | None:
    """The states of ``channels`` if they are all ends of channels, none twice; else ``None``
    (the full path then sorts them out, and reports what is wrong)."""
    states: list[ChannelState[object]] = []
    for end in channels:
        if not isinstance(end, ChannelReceiver):
            return None
        receiver: ChannelReceiver[object] = end
        states.append(_rx_of(receiver))
    n = len(channels)
    if n == 2:
        if channels[0] is channels[1]:
            return None
    elif n > 2 and len({id(end) for end in channels}) != n:
        return None
    return states if n else None


def _select_ready(
    channels: tuple[ReceiveChannel[object], ...], biased: bool
) -> Selected[object] | None:
    """The fast path of ``select``: take from a channel that is ready now, without setting up
    a wait; ``None`` if none is (or the ends are not all channel ends)."""
    states = _plain_states(channels)
    if states is None:
        return None
    i = choose_state(states, biased)
    if i < 0:
        return None
    end = channels[i]
    try:
        return Selected(end, (states[i].take_ready(),))
    except ChannelClosed as exc:
        return Selected(end, None, exc)


def take(source: Source[T]) -> tuple[T] | ChannelClosed:
    """Take from a ready source: ``(item,)``, or the ``ChannelClosed`` it is closed with."""
    try:
        return (source.state.take_ready(),)
    except ChannelClosed as exc:
        return exc


async def wait_for_one(
    sources: list[Source[T]], biased: bool, waits: set[Wait] | None = None
) -> tuple[Source[T] | None, tuple[T] | ChannelClosed]:
    """Wait until one of ``sources`` is ready and take from it, exactly once: ``(source,
    (item,))``, or ``(source, ChannelClosed)`` for a source closed and drained; ``(None, ...)``
    if the wait was ended through ``waits`` (a merged end hung up). ``sources`` is read once: it
    may change while this waits.

    Cancellation: a cancelled wait took nothing; an item promised to it goes back to its channel.
    """
    sources = list(sources)
    while True:
        i = choose(sources, biased)
        if i >= 0:
            return sources[i], take(sources[i])
        loop = get_running_loop()
        wait = Wait(loop.create_future())
        entries: list[Entry] = []
        try:
            for i, source in enumerate(sources):
                entry = Entry(wait, i)
                if not source.state.enqueue_entry(entry, source.handle, loop):
                    break  # ready after all: withdraw and choose again
                entries.append(entry)
        except BaseException:
            _withdraw(sources, entries, -1)
            raise
        if len(entries) < len(sources):
            wait.future.cancel()
            _withdraw(sources, entries, -1)
            continue
        if waits is not None:
            waits.add(wait)
        try:
            await wait.future
        except BaseException:
            _withdraw(sources, entries, wait.winner)
            winner = wait.winner
            if winner >= 0:
                sources[winner].state.abandon_getter(entries[winner])
            raise
        finally:
            if waits is not None:
                waits.discard(wait)
        winner = wait.winner
        _withdraw(sources, entries, winner)
        if wait.ended:  # the merged end this waits through hung up
            if winner >= 0:
                sources[winner].state.abandon_getter(entries[winner])
            return None, ChannelClosed("this receive handle has hung up")
        source = sources[winner]
        if source.hung_up():  # the channel's handle hung up while the select waited
            source.state.abandon_getter(entries[winner])
            return source, source.closed_error()
        if not wait.future.result():
            return source, source.closed_error()
        try:
            return source, (source.state.claim(),)
        except ChannelClosed as closed:  # a subscriber that hung up since it woke the select
            return source, closed


def _withdraw(sources: list[Source[T]], entries: list[Entry], winner: int) -> None:
    for entry in entries:
        if entry.index != winner:
            sources[entry.index].state.withdraw(entry)


def _result(source: Source[T], taken: tuple[T] | ChannelClosed) -> Selected[T]:
    end = source.end
    if isinstance(taken, ChannelClosed):
        return Selected(end, None, taken)
    return Selected(end, taken)


# -- the public functions ------------------------------------------------------------------------


@overload
async def select(a: ReceiveChannel[A], /, *, biased: bool = False) -> Selected[A]: ...


@overload
async def select(
    a: ReceiveChannel[A], b: ReceiveChannel[B], /, *, biased: bool = False
) -> Selected[A] | Selected[B]: ...


@overload
async def select(
    a: ReceiveChannel[A], b: ReceiveChannel[B], c: ReceiveChannel[C], /, *, biased: bool = False
) -> Selected[A] | Selected[B] | Selected[C]: ...


@overload
async def select(
    a: ReceiveChannel[A],
    b: ReceiveChannel[B],
    c: ReceiveChannel[C],
    d: ReceiveChannel[D],
    /,
    *,
    biased: bool = False,
) -> Selected[A] | Selected[B] | Selected[C] | Selected[D]: ...


@overload
async def select(
    a: ReceiveChannel[A],
    b: ReceiveChannel[B],
    c: ReceiveChannel[C],
    d: ReceiveChannel[D],
    e: ReceiveChannel[E],
    /,
    *,
    biased: bool = False,
) -> Selected[A] | Selected[B] | Selected[C] | Selected[D] | Selected[E]: ...


@overload
async def select(
    a: ReceiveChannel[A],
    b: ReceiveChannel[B],
    c: ReceiveChannel[C],
    d: ReceiveChannel[D],
    e: ReceiveChannel[E],
    f: ReceiveChannel[F],
    /,
    *,
    biased: bool = False,
) -> Selected[A] | Selected[B] | Selected[C] | Selected[D] | Selected[E] | Selected[F]: ...


@overload
async def select(*channels: ReceiveChannel[T], biased: bool = False) -> Selected[T]: ...


async def select(*channels: ReceiveChannel[object], biased: bool = False) -> Selected[object]:
    """Wait until one of ``channels`` (receive ends) has an item, or is closed and drained, and
    take exactly one item from exactly one of them.

    Among the ends ready when it is called, one is chosen uniformly at random, or with
    ``biased=True`` the first in argument order. While it waits, the select stands in each
    channel's line of getters in arrival order, like a ``get()``, and leaves every other line the
    moment one serves it. An end that is closed and drained (or hung up) is reported, not
    skipped: the result is ``closed`` and its ``item`` raises that end's ``ChannelClosed``.

    Raises ``TypeError`` for an object that is not a receive end of this library, ``ValueError``
    for no ends or the same end twice, and ``RuntimeError`` as ``get()`` does (tasks of another
    event loop waiting on one of the channels). A subscriber of a lossy ``Broadcast`` that missed
    items is chosen as a ready end would be, and its ``ChannelLagged`` is raised (nothing taken;
    ``get()`` on that subscriber goes on from the oldest item kept); pass such subscribers
    separately, or catch it, to tell which one lagged.

    Cancellation: a cancelled ``select()`` took nothing from any channel; an item that had been
    promised to it goes back to its channel (to the next waiting getter, or the head). A select
    that returned took exactly ``item`` from exactly ``channel``.
    """
    selected = _select_ready(channels, biased)
    if selected is not None:
        return selected
    source, taken = await wait_for_one(sources_of(channels, "select"), biased)
    assert source is not None  # only a merged end's own waits end without one
    return _result(source, taken)


@overload
def select_nowait(a: ReceiveChannel[A], /, *, biased: bool = False) -> Selected[A]: ...


@overload
def select_nowait(
    a: ReceiveChannel[A], b: ReceiveChannel[B], /, *, biased: bool = False
) -> Selected[A] | Selected[B]: ...


@overload
def select_nowait(
    a: ReceiveChannel[A], b: ReceiveChannel[B], c: ReceiveChannel[C], /, *, biased: bool = False
) -> Selected[A] | Selected[B] | Selected[C]: ...


@overload
def select_nowait(
    a: ReceiveChannel[A],
    b: ReceiveChannel[B],
    c: ReceiveChannel[C],
    d: ReceiveChannel[D],
    /,
    *,
    biased: bool = False,
) -> Selected[A] | Selected[B] | Selected[C] | Selected[D]: ...


@overload
def select_nowait(
    a: ReceiveChannel[A],
    b: ReceiveChannel[B],
    c: ReceiveChannel[C],
    d: ReceiveChannel[D],
    e: ReceiveChannel[E],
    /,
    *,
    biased: bool = False,
) -> Selected[A] | Selected[B] | Selected[C] | Selected[D] | Selected[E]: ...


@overload
def select_nowait(
    a: ReceiveChannel[A],
    b: ReceiveChannel[B],
    c: ReceiveChannel[C],
    d: ReceiveChannel[D],
    e: ReceiveChannel[E],
    f: ReceiveChannel[F],
    /,
    *,
    biased: bool = False,
) -> Selected[A] | Selected[B] | Selected[C] | Selected[D] | Selected[E] | Selected[F]: ...


@overload
def select_nowait(*channels: ReceiveChannel[T], biased: bool = False) -> Selected[T]: ...


def select_nowait(*channels: ReceiveChannel[object], biased: bool = False) -> Selected[object]:
    """The choice ``select()`` makes among the ends ready now, without waiting.

    Raises ``ChannelEmpty`` if none is ready, and ``TypeError`` / ``ValueError`` as ``select()``.
    """
    selected = _select_ready(channels, biased)
    if selected is not None:
        return selected
    sources = sources_of(channels, "select_nowait")
    i = choose(sources, biased)
    if i < 0:
        raise ChannelEmpty("no channel is ready")
    return _result(sources[i], take(sources[i]))
