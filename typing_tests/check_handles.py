"""Issue 15's handles: ``clone()`` keeps the item type and the kind of end, variance holds through
it, ``close()`` takes an exception or nothing, ``statistics()`` is typed, and each kind of end has
only its own members."""

from __future__ import annotations

import asyncio

from typing_extensions import assert_type

from aiochannel import Channel, ChannelStatistics, ReceiveChannel, SendChannel


def wants_tx_bool(tx: SendChannel[bool]) -> None: ...


def wants_rx_object(rx: ReceiveChannel[object]) -> None: ...


def wants_tx_str(tx: SendChannel[str]) -> None: ...


def wants_rx_int(rx: ReceiveChannel[int]) -> None: ...


def clones(ch: Channel[int], tx: SendChannel[int], rx: ReceiveChannel[int]) -> None:
    assert_type(ch.clone(), Channel[int])
    assert_type(tx.clone(), SendChannel[int])
    assert_type(rx.clone(), ReceiveChannel[int])
    assert_type(ch.sender.clone(), SendChannel[int])
    assert_type(ch.receiver.clone(), ReceiveChannel[int])
    assert_type(ch.clone().sender, SendChannel[int])
    # Variance holds through clone(): a send end of int takes bools, a receive end of int gives
    # objects; not the other way round.
    wants_tx_bool(tx.clone())
    wants_rx_object(rx.clone())
    wants_tx_str(tx.clone())  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    wants_rx_int(ch.clone().receiver.clone())


def clone_of_object_ends(tx: SendChannel[object], rx: ReceiveChannel[bool]) -> None:
    wants_tx_bool(tx.clone())
    wants_rx_int(rx.clone())
    wants_rx_object(rx.clone())


async def close_with_an_error(ch: Channel[int], tx: SendChannel[int]) -> None:
    assert_type(ch.close(), None)
    assert_type(tx.close(ValueError("boom")), None)
    tx.close(asyncio.CancelledError())  # any BaseException instance
    tx.close(KeyboardInterrupt())
    tx.close(None)
    tx.close(error=OSError())
    tx.close("boom")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    tx.close(ValueError)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    ch.close(42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def hang_ups(ch: Channel[int], tx: SendChannel[int], rx: ReceiveChannel[int]) -> None:
    assert_type(rx.hang_up(), None)
    assert_type(ch.hang_up(), None)
    tx.hang_up()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    rx.close()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ch.sender.hang_up()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ch.receiver.close()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]


def statistics(ch: Channel[str], tx: SendChannel[str], rx: ReceiveChannel[str]) -> None:
    st = ch.statistics()
    assert_type(st, ChannelStatistics)
    assert_type(tx.statistics(), ChannelStatistics)
    assert_type(rx.statistics(), ChannelStatistics)
    assert_type(st.maxsize, int)
    assert_type(st.qsize, int)
    assert_type(st.peak_qsize, int)
    assert_type(st.open_senders, int)
    assert_type(st.open_receivers, int)
    assert_type(st.waiting_putters, int)
    assert_type(st.waiting_getters, int)
    assert_type(st.closed, bool)
    st.qsize = 1  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
