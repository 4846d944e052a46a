"""The send and receive views, the protocols at run time, and the context managers."""

from __future__ import annotations

import asyncio

import pytest

from aiochannel import (
    Channel,
    ChannelClosed,
    ChannelEmpty,
    ChannelFull,
    ReceiveChannel,
    SendChannel,
)

SEND_API = {
    *("maxsize", "qsize", "full", "closed", "put", "put_nowait", "close", "join"),
    *("clone", "statistics"),  # issue 15
}
RECEIVE_API = {
    *("maxsize", "qsize", "empty", "closed", "get", "get_nowait", "join"),
    *("clone", "hang_up", "statistics"),  # issue 15
    *("get_many", "get_nowait_many"),  # issue 16
}


def public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def is_send(obj: object) -> bool:
    return isinstance(obj, SendChannel)


def is_receive(obj: object) -> bool:
    return isinstance(obj, ReceiveChannel)


def test_views_are_cached() -> None:
    ch: Channel[int] = Channel()
    assert ch.sender is ch.sender
    assert ch.receiver is ch.receiver
    tx: object = ch.sender
    assert tx is not ch.receiver
    assert ch.sender is not ch
    assert ch.receiver is not ch
    other: Channel[int] = Channel()
    assert other.sender is not ch.sender
    assert other.receiver is not ch.receiver


def test_public_members() -> None:
    ch: Channel[int] = Channel()
    assert public(ch.sender) == SEND_API
    assert public(ch.receiver) == RECEIVE_API
    assert public(ch) == SEND_API | RECEIVE_API | {"sender", "receiver"}


@pytest.mark.parametrize(
    "name",
    ["put", "put_nowait", "close", "full", "sender", "receiver", "__iter__", "__enter__"],
)
def test_receive_view_lacks_send_members(name: str) -> None:
    rx = Channel[int]().receiver
    assert not hasattr(rx, name)
    with pytest.raises(AttributeError):
        getattr(rx, name)


@pytest.mark.parametrize(
    "name",
    ["get", "get_nowait", "empty", "__aiter__", "__anext__", "__iter__", "sender", "receiver"],
)
def test_send_view_lacks_receive_members(name: str) -> None:
    tx = Channel[int]().sender
    assert not hasattr(tx, name)
    with pytest.raises(AttributeError):
        getattr(tx, name)


def test_views_are_not_iterable_and_hold_no_extra_attributes() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    tx, rx = ch.sender, ch.receiver
    with pytest.raises(TypeError):
        iter(tx)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    with pytest.raises(TypeError):
        iter(rx)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    for view in (tx, rx):
        assert not hasattr(view, "__dict__")
        with pytest.raises(AttributeError):
            view.extra = 1  # type: ignore[union-attr]  # pyright: ignore[reportAttributeAccessIssue]


def test_isinstance_with_the_protocols() -> None:
    ch: Channel[int] = Channel()
    assert is_send(ch)
    assert is_receive(ch)
    assert is_send(ch.sender)
    assert not is_receive(ch.sender)
    assert is_receive(ch.receiver)
    assert not is_send(ch.receiver)


async def test_views_share_the_channel_state() -> None:
    ch: Channel[str] = Channel(2)
    tx, rx = ch.sender, ch.receiver
    assert tx.maxsize == rx.maxsize == ch.maxsize == 2
    await tx.put("a")
    tx.put_nowait("b")
    assert tx.qsize() == rx.qsize() == ch.qsize() == 2
    assert tx.full()
    assert ch.full()
    assert not rx.empty()
    with pytest.raises(ChannelFull, match=r"^channel is full \(maxsize=2\)$"):
        tx.put_nowait("c")
    assert await rx.get() == "a"
    assert ch.get_nowait() == "b"
    assert rx.empty()
    with pytest.raises(ChannelEmpty, match=r"^channel is empty$"):
        rx.get_nowait()
    assert not tx.closed()
    assert not rx.closed()
    ch.put_nowait("c")
    tx.close()
    assert ch.closed()
    assert rx.closed()
    assert tx.closed()
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        await tx.put("d")
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        tx.put_nowait("d")
    assert rx.get_nowait() == "c"
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        rx.get_nowait()
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        await rx.get()
    await rx.join()
    await tx.join()


async def test_waiting_through_the_views() -> None:
    ch: Channel[int] = Channel(1)
    tx, rx = ch.sender, ch.receiver
    getter = asyncio.ensure_future(rx.get())
    await asyncio.sleep(0)
    await tx.put(1)
    assert await getter == 1
    await tx.put(2)
    putter = asyncio.ensure_future(tx.put(3))
    await asyncio.sleep(0)
    assert not putter.done()
    assert await rx.get() == 2
    await putter
    assert list(ch) == [3]
    joiner = asyncio.ensure_future(rx.join())
    await asyncio.sleep(0)
    tx.close()
    await asyncio.sleep(0)
    assert not joiner.done()
    assert rx.get_nowait() == 3
    await joiner


def test_view_repr_and_str() -> None:
    ch: Channel[int] = Channel(10)
    for i in range(3):
        ch.put_nowait(i)
    tx, rx = ch.sender, ch.receiver
    assert repr(tx) == f"<SendChannel at {id(tx):#x} maxsize=10 qsize=3>"
    assert repr(rx) == f"<ReceiveChannel at {id(rx):#x} maxsize=10 qsize=3>"
    assert str(tx) == "<SendChannel maxsize=10 qsize=3>"
    assert str(rx) == "<ReceiveChannel maxsize=10 qsize=3>"
    ch.close()
    assert repr(tx) == f"<SendChannel at {id(tx):#x} maxsize=10 qsize=3 closed>"
    assert repr(rx) == f"<ReceiveChannel at {id(rx):#x} maxsize=10 qsize=3 closed>"
    assert str(tx) == "<SendChannel maxsize=10 qsize=3 closed>"
    assert str(rx) == "<ReceiveChannel maxsize=10 qsize=3 closed>"


# -- async iteration ----------------------------------------------------------------------------


async def test_async_for_over_the_receiver() -> None:
    ch: Channel[int] = Channel(2)
    rx = ch.receiver
    assert rx.__aiter__() is rx
    assert ch.__aiter__() is ch

    async def produce() -> None:
        async with ch.sender as tx:
            for i in range(10):
                await tx.put(i)

    task = asyncio.ensure_future(produce())
    got = [item async for item in rx]
    await task
    assert got == list(range(10))
    assert ch.closed()
    with pytest.raises(StopAsyncIteration):
        await rx.__anext__()


async def test_async_for_over_a_closed_channel_drains_it_first() -> None:
    ch: Channel[int] = Channel()
    for i in range(3):
        ch.put_nowait(i)
    ch.close()
    assert [i async for i in ch] == [0, 1, 2]
    assert [i async for i in ch.receiver] == []


async def test_async_for_stops_when_closed_while_waiting() -> None:
    ch: Channel[int] = Channel()
    got: list[int] = []

    async def consume() -> str:
        async for item in ch.receiver:
            got.append(item)
        return "done"

    task = asyncio.ensure_future(consume())
    await asyncio.sleep(0)
    ch.put_nowait(1)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert got == [1]
    assert not task.done()
    ch.close()
    assert await task == "done"


async def test_anext_with_promised_items_ahead() -> None:
    # An item is available while another is promised: __anext__ takes the available one.
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    await asyncio.sleep(0)
    ch.put_nowait(1)  # promised to getter
    ch.put_nowait(2)
    assert await ch.receiver.__anext__() == 2
    assert await getter == 1


# -- context managers ---------------------------------------------------------------------------


def test_with_sender_closes_on_exit() -> None:
    ch: Channel[int] = Channel()
    tx = ch.sender
    with tx as entered:
        assert entered is tx
        entered.put_nowait(1)
        assert not ch.closed()
    assert ch.closed()
    assert ch.get_nowait() == 1


def test_with_channel_closes_on_exit() -> None:
    ch: Channel[int] = Channel()
    with ch as entered:
        assert entered is ch
        assert not ch.closed()
    assert ch.closed()


def test_with_closes_on_exception_and_propagates() -> None:
    ch: Channel[int] = Channel()
    with pytest.raises(KeyError, match="boom"), ch.sender:
        raise KeyError("boom")
    assert ch.closed()
    ch2: Channel[int] = Channel()
    with pytest.raises(KeyError, match="boom"), ch2:
        raise KeyError("boom")
    assert ch2.closed()


def test_with_on_a_closed_channel_is_fine() -> None:
    ch: Channel[int] = Channel()
    ch.close()
    with ch.sender as tx:
        assert tx.closed()
    with ch:
        pass
    assert ch.closed()


async def test_async_with_sender_closes_on_exit() -> None:
    ch: Channel[int] = Channel()
    tx = ch.sender
    async with tx as entered:
        assert entered is tx
        await entered.put(1)
        assert not ch.closed()
    assert ch.closed()
    assert [i async for i in ch] == [1]


async def test_async_with_channel_closes_on_exit() -> None:
    ch: Channel[int] = Channel()
    async with ch as entered:
        assert entered is ch
    assert ch.closed()


async def test_async_with_closes_on_exception_and_propagates() -> None:
    for ch in (Channel[int](), Channel[int](1)):
        with pytest.raises(ValueError, match=r"^bad$"):
            async with ch.sender:
                raise ValueError("bad")
        assert ch.closed()
    ch2: Channel[int] = Channel()
    with pytest.raises(ValueError, match=r"^bad$"):
        async with ch2:
            raise ValueError("bad")
    assert ch2.closed()


async def test_async_with_exit_fails_waiting_putters_and_getters() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    putter = asyncio.ensure_future(ch.put(1))
    await asyncio.sleep(0)
    async with ch.sender:
        pass
    with pytest.raises(ChannelClosed, match=r"^channel is closed$"):
        await putter
    assert list(ch) == [0]
