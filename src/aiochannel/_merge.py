"""``merge()``: one receive end over several, with no task and no buffer in between.

A get on a merged end is a ``select()`` over its inputs that are still open: it takes exactly one
item from exactly one input, or, when the one chosen is closed and drained, drops that input and
chooses again (an input closed with an error raises its ``ChannelClosed`` once drained). Nothing
is ever taken from an input that is not delivered.
"""

from __future__ import annotations

from typing import TypeVar, overload

from typing_extensions import Self

from ._channel import checked_max_items
from ._errors import ChannelClosed, ChannelEmpty
from ._protocols import ReceiveChannel
from ._select import Source, SourceGroup, Wait, sources_of, wait_for_one
from ._statistics import ChannelStatistics

__all__ = ["MergedReceiver", "merge"]

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
E = TypeVar("E")
F = TypeVar("F")

HUNG_UP = "this receive handle has hung up"


class MergedReceiver(SourceGroup[T]):
    """A receive end over several receive ends (``merge()``): ``get()`` and ``async for`` take the
    next item from whichever input has one, chosen fairly, until every input is closed and
    drained.

    Its queries sum over the inputs still open: ``maxsize`` (``0`` if one is unbounded),
    ``qsize()``, and ``statistics()`` (``peak_qsize`` is the sum of the inputs' peaks, an upper
    bound of the merged end's own); ``closed()`` is true once every input is closed, or this end
    hung up.
    """

    __slots__ = ("__weakref__", "_hung_up", "_next", "_waits")

    def __init__(self, inputs: list[Source[T]]) -> None:
        super().__init__(inputs)
        self._hung_up = False
        self._waits: set[Wait] = set()
        #: Where the next look for a ready input starts: inputs take turns.
        self._next = 0

    def _poll(self, keep_errors: bool = False) -> tuple[T] | None:
        """Take from the next input (in turn) that is ready now: ``(item,)``, or ``None`` if
        none is. An input found closed and drained is dropped, or raises its error; with
        ``keep_errors``, an input closed with an error, or a subscriber that missed items, stops
        the poll instead (``None``), and is left for the next get to report."""
        while True:
            inputs = self._inputs
            n = len(inputs)
            start = self._next
            for k in range(n):
                i = (start + k) % n
                source = inputs[i]
                state = source.state
                if state.ready():
                    if keep_errors and state.lagged():
                        return None  # a subscriber that missed items: the next get says so
                    self._next = i + 1
                    try:
                        return (state.take_ready(),)
                    except ChannelClosed as closed:
                        if keep_errors and closed.__cause__ is not None:
                            return None
                        self._drop(source, closed)
                        break
            else:
                return None

    def _ends(self) -> list[ReceiveChannel[T]]:
        seen: list[ReceiveChannel[T]] = []
        for source in self._inputs:
            if not any(end is source.end for end in seen):
                seen.append(source.end)
        return seen

    @property
    def maxsize(self) -> int:
        """The sum of the inputs' ``maxsize``; ``0`` (unbounded) if any input is unbounded."""
        sizes = [end.maxsize for end in self._ends()]
        return 0 if 0 in sizes else sum(sizes)

    def qsize(self) -> int:
        """Items the inputs still open hold, that a getter could take now."""
        return sum(source.state.qsize() for source in self._inputs)

    def empty(self) -> bool:
        """True if ``get_nowait`` would find no item to take."""
        return not any(source.state.qsize() for source in self._inputs)

    def closed(self) -> bool:
        """True once every input is closed (items may remain), or this end hung up."""
        return self._hung_up or all(source.state.closed for source in self._inputs)

    def statistics(self) -> ChannelStatistics:
        """The inputs' statistics, summed (``closed``: all of them are closed)."""
        parts = [end.statistics() for end in self._ends()]
        return ChannelStatistics(
            maxsize=self.maxsize,
            qsize=sum(p.qsize for p in parts),
            peak_qsize=sum(p.peak_qsize for p in parts),
            open_senders=sum(p.open_senders for p in parts),
            open_receivers=sum(p.open_receivers for p in parts),
            waiting_putters=sum(p.waiting_putters for p in parts),
            waiting_getters=sum(p.waiting_getters for p in parts),
            closed=all(p.closed for p in parts),
        )

    async def get(self) -> T:
        """Remove and return the next item from one of the inputs, waiting for one.

        Raises ``ChannelClosed`` once every input is closed and drained, or, as soon as it is
        drained, from the error an input was closed with; and if this end hung up, also while
        this waits.

        Cancellation: a cancelled ``get()`` took nothing from any input.
        """
        while True:
            if self._hung_up:
                raise ChannelClosed(HUNG_UP)
            ready = self._poll()
            if ready is not None:
                return ready[0]
            inputs = self._inputs
            if not inputs:
                raise ChannelClosed("channel is closed")
            source, taken = await wait_for_one(inputs, False, self._waits)
            if not isinstance(taken, ChannelClosed):
                return taken[0]
            self._drop(source, taken)

    def get_nowait(self) -> T:
        """Remove and return the next item from an input that has one now.

        Raises ``ChannelClosed`` as ``get()``, else ``ChannelEmpty`` if no input has an item.
        """
        if self._hung_up:
            raise ChannelClosed(HUNG_UP)
        ready = self._poll()
        if ready is not None:
            return ready[0]
        if not self._inputs:
            raise ChannelClosed("channel is closed")
        raise ChannelEmpty("channel is empty")

    def _drop(self, source: Source[T] | None, closed: ChannelClosed) -> None:
        """``source`` is closed and drained: go on without it, or raise its error."""
        if source is None:
            raise closed  # this end hung up while the get waited
        if source in self._inputs:  # (another get may have dropped it meanwhile)
            self._inputs.remove(source)
        if closed.__cause__ is not None:
            raise closed

    async def get_many(self, max_items: int) -> list[T]:
        """Wait for at least one item, then take every item available now, from any inputs, up
        to ``max_items``, without waiting again.

        Raises ``TypeError`` / ``ValueError`` for a ``max_items`` that is not an ``int >= 1``,
        and otherwise as ``get()``; a ``get_many()`` that raised took nothing.

        Cancellation: a cancelled ``get_many()`` took nothing from any input.
        """
        limit = checked_max_items(max_items)
        taken = [await self.get()]
        return self._more(taken, limit)

    def get_nowait_many(self, max_items: int) -> list[T]:
        """As ``get_many()``, without waiting: raises ``ChannelEmpty`` if nothing is there."""
        limit = checked_max_items(max_items)
        return self._more([self.get_nowait()], limit)

    def _more(self, taken: list[T], limit: int) -> list[T]:
        while len(taken) < limit and not self._hung_up:
            ready = self._poll(keep_errors=True)
            if ready is None:
                break
            taken.append(ready[0])
        return taken

    def hang_up(self) -> None:
        """Give up this merged end (not its inputs); idempotent. Gets waiting on it raise
        ``ChannelClosed``, and ``async for`` over it ends."""
        self._hung_up = True
        for wait in self._waits:
            wait.ended = True
            if not wait.future.done():
                wait.future.set_result(False)

    def clone(self) -> Self:
        """Another merged end over the inputs of this one that are still open.

        Raises ``ChannelClosed`` if this end hung up.
        """
        if self._hung_up:
            raise ChannelClosed(HUNG_UP)
        return type(self)(list(self._inputs))

    async def join(self) -> None:
        """Wait until every input is closed and drained.

        Raises as the inputs' ``join()``.

        Cancellation: a cancelled ``join()`` changed nothing.
        """
        for end in self._ends():
            await end.join()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        """Like ``get()``, but raises ``StopAsyncIteration`` once every input is closed and
        drained without an error, or this end hung up.

        Cancellation: as for ``get()``.
        """
        if not self._hung_up:
            ready = self._poll()  # as get() does first, without its coroutine
            if ready is not None:
                return ready[0]
        try:
            return await self.get()
        except ChannelClosed as exc:
            if exc.__cause__ is None:
                raise StopAsyncIteration from None
            raise

    def __repr__(self) -> str:
        state = " closed" if self.closed() else ""
        return f"<merged ReceiveChannel of {len(self._ends())} inputs{state}>"


@overload
def merge(a: ReceiveChannel[A], /) -> ReceiveChannel[A]: ...


@overload
def merge(a: ReceiveChannel[A], b: ReceiveChannel[B], /) -> ReceiveChannel[A | B]: ...


@overload
def merge(
    a: ReceiveChannel[A], b: ReceiveChannel[B], c: ReceiveChannel[C], /
) -> ReceiveChannel[A | B | C]: ...


@overload
def merge(
    a: ReceiveChannel[A], b: ReceiveChannel[B], c: ReceiveChannel[C], d: ReceiveChannel[D], /
) -> ReceiveChannel[A | B | C | D]: ...


@overload
def merge(
    a: ReceiveChannel[A],
    b: ReceiveChannel[B],
    c: ReceiveChannel[C],
    d: ReceiveChannel[D],
    e: ReceiveChannel[E],
    /,
) -> ReceiveChannel[A | B | C | D | E]: ...


@overload
def merge(
    a: ReceiveChannel[A],
    b: ReceiveChannel[B],
    c: ReceiveChannel[C],
    d: ReceiveChannel[D],
    e: ReceiveChannel[E],
    f: ReceiveChannel[F],
    /,
) -> ReceiveChannel[A | B | C | D | E | F]: ...


@overload
def merge(*channels: ReceiveChannel[T]) -> ReceiveChannel[T]: ...


def merge(*channels: ReceiveChannel[object]) -> ReceiveChannel[object]:
    """One receive end over ``channels``: ``get()`` and ``async for`` take the next item from
    whichever has one (chosen fairly), and end once every one is closed and drained. An input
    closed with an error raises its ``ChannelClosed`` once that input is drained (in which order
    relative to other inputs' items is not specified). There is no task and no buffer in
    between: nothing is taken from an input that is not delivered.

    ``hang_up()`` gives up only the merged end; ``clone()`` makes another over the same inputs.
    Raises ``TypeError`` / ``ValueError`` as ``select()``.

    Cancellation: a cancelled ``get()`` (or ``async for`` step, or ``get_many()``) on the merged
    end took nothing from any input; an item promised to it goes back to its input.
    """
    return MergedReceiver(sources_of(channels, "merge"))
