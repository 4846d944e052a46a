"""Issue 17: a ``Broadcast[T]`` is a ``SendChannel[T]``, subscribers are ``ReceiveChannel[T]``,
variance holds, and ``overflow`` takes only the documented literals."""

from __future__ import annotations

from typing_extensions import assert_type

from aiochannel import Broadcast, Channel, ChannelLagged, ReceiveChannel, SendChannel, Watch


def wants_tx_int(tx: SendChannel[int]) -> None: ...


def wants_tx_bool(tx: SendChannel[bool]) -> None: ...


def wants_rx_object(rx: ReceiveChannel[object]) -> None: ...


def wants_rx_bool(rx: ReceiveChannel[bool]) -> None: ...


async def broadcasting(b: Broadcast[int], w: Watch[str]) -> None:
    wants_tx_int(b)
    wants_tx_bool(b)  # contravariance
    wants_tx_int(b.sender)
    sub = b.subscribe()
    assert_type(sub, ReceiveChannel[int])
    wants_rx_object(sub)  # covariance
    wants_rx_bool(sub)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert_type(await sub.get(), int)
    assert_type(b.clone(), Broadcast[int])
    await b.put("x")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert_type(w.subscribe(), ReceiveChannel[str])
    assert_type(w.value, str)
    assert_type(w.sender, SendChannel[str])
    w.set(3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def construction() -> None:
    assert_type(Broadcast[int](4), Broadcast[int])
    Broadcast[int](4, overflow="wait")
    Broadcast[int](4, overflow="drop_oldest")
    Broadcast[int](4, overflow="drop_newest")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Channel[int](4, overflow="drop_newest")
    Channel[int](4, overflow="drop_oldest")
    Channel[int](4, overflow="later")  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    assert_type(Watch(0), Watch[int])
    assert_type(ChannelLagged(3).missed, int)
