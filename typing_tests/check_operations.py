"""The result type of every operation on ``Channel``, ``SendChannel`` and ``ReceiveChannel``."""

from __future__ import annotations

from collections.abc import Iterator

from typing_extensions import assert_type

from aiochannel import (
    Channel,
    ChannelClosed,
    ChannelEmpty,
    ChannelError,
    ChannelFull,
    ReceiveChannel,
    SendChannel,
)


async def channel_operations(ch: Channel[int]) -> None:
    assert_type(await ch.put(1), None)
    assert_type(ch.put_nowait(2), None)
    assert_type(await ch.get(), int)
    assert_type(ch.get_nowait(), int)
    assert_type(await ch.join(), None)
    assert_type(ch.close(), None)
    assert_type(ch.closed(), bool)
    assert_type(ch.qsize(), int)
    assert_type(ch.empty(), bool)
    assert_type(ch.full(), bool)
    assert_type(ch.maxsize, int)
    assert_type(ch.sender, SendChannel[int])
    assert_type(ch.receiver, ReceiveChannel[int])
    assert_type(repr(ch), str)
    assert_type(str(ch), str)


async def send_end_operations(tx: SendChannel[str]) -> None:
    assert_type(await tx.put("a"), None)
    assert_type(tx.put_nowait("b"), None)
    assert_type(await tx.join(), None)
    assert_type(tx.close(), None)
    assert_type(tx.closed(), bool)
    assert_type(tx.qsize(), int)
    assert_type(tx.full(), bool)
    assert_type(tx.maxsize, int)


async def receive_end_operations(rx: ReceiveChannel[bytes]) -> None:
    assert_type(await rx.get(), bytes)
    assert_type(rx.get_nowait(), bytes)
    assert_type(await rx.join(), None)
    assert_type(rx.closed(), bool)
    assert_type(rx.qsize(), int)
    assert_type(rx.empty(), bool)
    assert_type(rx.maxsize, int)


async def views_of_a_channel(ch: Channel[float]) -> None:
    assert_type(await ch.sender.put(1.5), None)
    assert_type(await ch.receiver.get(), float)
    assert_type(ch.receiver.get_nowait(), float)


def optional_items(ch: Channel[int | None]) -> None:
    assert_type(ch.get_nowait(), int | None)
    ch.put_nowait(None)
    ch.sender.put_nowait(None)
    assert_type(ch.receiver.get_nowait(), int | None)


async def async_iteration(ch: Channel[int], rx: ReceiveChannel[str]) -> None:
    async for item in ch:
        assert_type(item, int)
    async for text in rx:
        assert_type(text, str)
    async for value in ch.receiver:
        assert_type(value, int)
    assert_type(ch.__aiter__(), Channel[int])
    assert_type(rx.__aiter__(), ReceiveChannel[str])
    assert_type(await ch.__anext__(), int)
    assert_type(await rx.__anext__(), str)
    assert_type(await anext(rx), str)
    assert_type(await anext(rx, None), str | None)
    assert_type([x async for x in rx], list[str])


def snapshot_iteration(ch: Channel[int]) -> None:
    for item in ch:
        assert_type(item, int)
    assert_type(iter(ch), Iterator[int])
    assert_type(list(ch), list[int])


async def context_managers(ch: Channel[int], tx: SendChannel[str]) -> None:
    with ch.sender as sender:
        assert_type(sender, SendChannel[int])
    async with ch.sender as sender:
        assert_type(sender, SendChannel[int])
    with tx as t:
        assert_type(t, SendChannel[str])
    async with tx as t:
        assert_type(t, SendChannel[str])
    with ch as c:
        assert_type(c, Channel[int])
    async with ch as c:
        assert_type(c, Channel[int])


def exceptions() -> None:
    assert issubclass(ChannelClosed, ChannelError)
    assert issubclass(ChannelEmpty, ChannelError)
    assert issubclass(ChannelFull, ChannelError)
    assert_type(ChannelClosed("channel is closed"), ChannelClosed)


async def errors_are_exceptions(rx: ReceiveChannel[int]) -> int | None:
    try:
        return await rx.get()
    except ChannelClosed as e:
        assert_type(e, ChannelClosed)
        return None
