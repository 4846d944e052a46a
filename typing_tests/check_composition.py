"""Issue 16: ``select()`` returns a union of ``Selected`` that ``selected_from`` narrows,
``merge()`` gives the union of the item types, ``get_many`` is a ``Sequence`` of the item type on
the protocol (a ``list`` on the channel), and ``@as_channel`` keeps the parameters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager

from typing_extensions import assert_type

from aiochannel import (
    Channel,
    ReceiveChannel,
    Selected,
    as_channel,
    merge,
    select,
    select_nowait,
    selected_from,
)


async def selecting(a: ReceiveChannel[int], b: ReceiveChannel[str], c: Channel[bytes]) -> None:
    assert_type(await select(a), Selected[int])
    sel = await select(a, b)
    assert_type(sel, Selected[int] | Selected[str])
    if selected_from(sel, a):
        assert_type(sel, Selected[int])
        assert_type(sel.item, int)
    else:
        assert_type(sel, Selected[str])
        assert_type(sel.item, str)
    assert_type(await select(a, b, c), Selected[int] | Selected[str] | Selected[bytes])
    assert_type(select_nowait(a, b, biased=True), Selected[int] | Selected[str])
    assert_type(sel.closed, bool)
    assert_type(sel.channel, ReceiveChannel[int] | ReceiveChannel[str])
    many = [a, a, a, a, a, a, a]
    assert_type(await select(*many), Selected[int])
    await select(a, 3)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await select(a, c.sender)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await select(a, biased=1)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]


def covariance(sel: Selected[bool]) -> Selected[int]:
    return sel


def invariance_the_other_way(sel: Selected[int]) -> Selected[bool]:
    return sel  # type: ignore[return-value]  # pyright: ignore[reportReturnType]


async def merging(a: ReceiveChannel[int], b: ReceiveChannel[str], c: Channel[float]) -> None:
    assert_type(merge(a), ReceiveChannel[int])
    assert_type(merge(a, b), ReceiveChannel[int | str])
    assert_type(merge(a, b, c), ReceiveChannel[int | str | float])
    assert_type(await merge(a, b).get(), int | str)
    assert_type(merge(a, b).clone(), ReceiveChannel[int | str])
    merge(a, 1)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]


async def batching(ch: Channel[int], rx: ReceiveChannel[str]) -> None:
    assert_type(await ch.get_many(10), list[int])
    assert_type(ch.get_nowait_many(10), list[int])
    assert_type(await rx.get_many(10), Sequence[str])
    assert_type(rx.get_nowait_many(2), Sequence[str])
    await ch.get_many("10")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


@as_channel
async def lines(path: str, *, limit: int = 10) -> AsyncIterator[str]:
    yield path


@as_channel(maxsize=4)
async def numbers(n: int) -> AsyncIterator[int]:
    yield n


async def generators() -> None:
    assert_type(lines("x"), AbstractAsyncContextManager[ReceiveChannel[str]])
    async with lines("log.txt", limit=3) as rx:
        assert_type(rx, ReceiveChannel[str])
    async with numbers(3) as ints:
        assert_type(await ints.get(), int)
    lines(3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    lines("x", limits=3)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    numbers()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    as_channel(maxsize="2")  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
