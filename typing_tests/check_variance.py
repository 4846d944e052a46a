"""Variance: ``ReceiveChannel`` is covariant, ``SendChannel`` contravariant, ``Channel`` invariant.

Every rule is shown in both directions: what it allows is accepted, what it forbids is rejected.
``bool`` < ``int`` < ``object`` is the subtype chain used throughout.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable

from aiochannel import Channel, ReceiveChannel, SendChannel


def wants_rx_int(rx: ReceiveChannel[int]) -> None: ...


def wants_tx_int(tx: SendChannel[int]) -> None: ...


def wants_channel_int(ch: Channel[int]) -> None: ...


def wants_async_iterator_int(it: AsyncIterator[int]) -> None: ...


def wants_async_iterable_int(it: AsyncIterable[int]) -> None: ...


def wants_iterable_int(it: Iterable[int]) -> None: ...


def receive_end_is_covariant(
    rx_bool: ReceiveChannel[bool], rx_int: ReceiveChannel[int], rx_obj: ReceiveChannel[object]
) -> None:
    wants_rx_int(rx_bool)  # a narrower item type may stand in
    wants_rx_int(rx_int)
    wants_rx_int(rx_obj)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wider: ReceiveChannel[object] = rx_int
    narrower: ReceiveChannel[bool] = rx_int  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    del wider, narrower


def send_end_is_contravariant(
    tx_bool: SendChannel[bool], tx_int: SendChannel[int], tx_obj: SendChannel[object]
) -> None:
    wants_tx_int(tx_obj)  # a sink for anything takes ints
    wants_tx_int(tx_int)
    wants_tx_int(tx_bool)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    narrower: SendChannel[bool] = tx_int
    wider: SendChannel[object] = tx_int  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    del narrower, wider


def channel_is_invariant(
    ch_bool: Channel[bool], ch_int: Channel[int], ch_obj: Channel[object]
) -> None:
    wants_channel_int(ch_int)
    wants_channel_int(ch_bool)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_channel_int(ch_obj)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def channel_is_both_ends(
    ch_bool: Channel[bool], ch_int: Channel[int], ch_obj: Channel[object]
) -> None:
    # As a receive end: the item type may narrow.
    wants_rx_int(ch_int)
    wants_rx_int(ch_bool)
    wants_rx_int(ch_obj)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # As a send end: the item type may widen.
    wants_tx_int(ch_int)
    wants_tx_int(ch_obj)
    wants_tx_int(ch_bool)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def views_follow_the_same_rules(
    ch_bool: Channel[bool], ch_int: Channel[int], ch_obj: Channel[object]
) -> None:
    wants_rx_int(ch_bool.receiver)
    wants_rx_int(ch_int.receiver)
    wants_rx_int(ch_obj.receiver)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_tx_int(ch_obj.sender)
    wants_tx_int(ch_int.sender)
    wants_tx_int(ch_bool.sender)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # A view is not the other view, nor a channel.
    wants_tx_int(ch_int.receiver)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_rx_int(ch_int.sender)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_channel_int(ch_int.receiver)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_channel_int(ch_int.sender)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def receive_end_is_an_async_iterator(
    rx_bool: ReceiveChannel[bool], rx_int: ReceiveChannel[int], rx_obj: ReceiveChannel[object]
) -> None:
    wants_async_iterator_int(rx_int)
    wants_async_iterator_int(rx_bool)
    wants_async_iterator_int(rx_obj)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_async_iterable_int(rx_int)
    wants_async_iterable_int(rx_bool)
    wants_async_iterable_int(rx_obj)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_iterable_int(rx_int)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def channel_is_an_async_iterator_and_an_iterable(
    ch_bool: Channel[bool], ch_int: Channel[int], ch_obj: Channel[object]
) -> None:
    wants_async_iterator_int(ch_int)
    wants_async_iterator_int(ch_bool)
    wants_async_iterator_int(ch_obj)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_iterable_int(ch_int)
    wants_iterable_int(ch_bool)
    wants_iterable_int(ch_obj)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def send_end_is_not_iterable(tx: SendChannel[int]) -> None:
    wants_async_iterator_int(tx)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
