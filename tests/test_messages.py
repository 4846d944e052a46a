"""Every exception and warning the library raises says what happened, in its documented words."""

from __future__ import annotations

import asyncio
import enum
import re
import warnings
from collections.abc import Awaitable, Callable
from functools import partial

import pytest

from aiochannel import Channel, ChannelClosed, ChannelEmpty, ChannelError, ChannelFull

CLOSED = "channel is closed"
EMPTY = "channel is empty"
IN_USE = (
    "channel is in use by tasks of another event loop: "
    "a channel can only be waited on from one loop at a time"
)
LOOP_DEPRECATED = (
    "Channel(loop=...) is deprecated and ignored: a channel binds to the running loop when used"
)

# Construction with arguments the annotations forbid, without the checkers objecting.
make: Callable[..., Channel[int]] = Channel


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def check(exc: BaseException, kind: type[ChannelError], message: str) -> None:
    assert type(exc) is kind
    assert isinstance(exc, ChannelError)
    assert str(exc) == message
    assert exc.args == (message,)


async def raised(aw: Awaitable[object]) -> BaseException:
    try:
        await asyncio.wait_for(aw, 5)
    except BaseException as exc:
        return exc
    raise AssertionError("did not raise")


def raised_now(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except BaseException as exc:
        return exc
    raise AssertionError("did not raise")


# -- ChannelClosed ---------------------------------------------------------------------------------


async def test_closed_from_every_operation() -> None:
    ch: Channel[int] = Channel(1)
    ch.close()
    for end in (ch, ch.sender):
        check(raised_now(partial(end.put_nowait, 1)), ChannelClosed, CLOSED)
        check(await raised(end.put(1)), ChannelClosed, CLOSED)
    for end2 in (ch, ch.receiver):
        check(raised_now(end2.get_nowait), ChannelClosed, CLOSED)
        check(await raised(end2.get()), ChannelClosed, CLOSED)


async def test_closed_is_checked_before_full() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    ch.close()
    check(raised_now(lambda: ch.put_nowait(1)), ChannelClosed, CLOSED)
    check(await raised(ch.put(1)), ChannelClosed, CLOSED)


async def test_closed_after_drained_from_get_not_before() -> None:
    ch: Channel[int] = Channel()
    ch.put_nowait(1)
    ch.close()
    assert ch.get_nowait() == 1
    check(raised_now(ch.get_nowait), ChannelClosed, CLOSED)


async def test_closed_from_waiting_put_and_get() -> None:
    full: Channel[int] = Channel(1)
    full.put_nowait(0)
    empty: Channel[int] = Channel()
    putter = asyncio.ensure_future(raised(full.sender.put(1)))
    getter = asyncio.ensure_future(raised(empty.receiver.get()))
    await asyncio.sleep(0)
    full.close()
    empty.close()
    check(await putter, ChannelClosed, CLOSED)
    check(await getter, ChannelClosed, CLOSED)


async def test_closed_from_a_putter_granted_a_slot_before_the_close() -> None:
    ch: Channel[int] = Channel(1)
    ch.put_nowait(0)
    putter = asyncio.ensure_future(raised(ch.put(1)))
    await asyncio.sleep(0)
    ch.get_nowait()  # grants the putter the slot
    ch.close()
    check(await putter, ChannelClosed, CLOSED)


async def test_iteration_ends_without_an_error() -> None:
    ch: Channel[int] = Channel()
    ch.close()
    exc = await raised(ch.__anext__())
    assert type(exc) is StopAsyncIteration


# -- ChannelFull, ChannelEmpty ---------------------------------------------------------------------


@pytest.mark.parametrize("maxsize", [1, 3, 10])
def test_full_names_maxsize(maxsize: int) -> None:
    ch: Channel[int] = Channel(maxsize)
    for i in range(maxsize):
        ch.put_nowait(i)
    for end in (ch, ch.sender):
        check(
            raised_now(partial(end.put_nowait, 99)),
            ChannelFull,
            f"channel is full (maxsize={maxsize})",
        )


async def test_full_when_the_free_slot_is_granted_to_a_waiting_putter() -> None:
    ch: Channel[int] = Channel(3)
    for i in range(3):
        ch.put_nowait(i)
    putter = asyncio.ensure_future(ch.put(3))
    await asyncio.sleep(0)
    assert ch.get_nowait() == 0
    check(raised_now(lambda: ch.put_nowait(99)), ChannelFull, "channel is full (maxsize=3)")
    await asyncio.wait_for(putter, 5)


def test_empty() -> None:
    ch: Channel[int] = Channel()
    for end in (ch, ch.receiver):
        check(raised_now(end.get_nowait), ChannelEmpty, EMPTY)


async def test_empty_when_the_item_is_promised_to_a_waiting_getter() -> None:
    ch: Channel[int] = Channel()
    getter = asyncio.ensure_future(ch.get())
    await asyncio.sleep(0)
    ch.put_nowait(1)
    check(raised_now(ch.get_nowait), ChannelEmpty, EMPTY)
    assert await asyncio.wait_for(getter, 5) == 1


# -- construction --------------------------------------------------------------------------------


class Size(enum.IntEnum):
    TWO = 2


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.5, "1.5 of type float"),
        (2.0, "2.0 of type float"),
        ("3", "'3' of type str"),
        (None, "None of type NoneType"),
        (True, "True of type bool"),
        (False, "False of type bool"),
        ([1], "[1] of type list"),
    ],
)
def test_maxsize_of_the_wrong_type(value: object, shown: str) -> None:
    message = f"maxsize must be an int >= 0 (0 means unbounded), got {shown}"
    with pytest.raises(TypeError, match=exactly(message)):
        make(value)
    with pytest.raises(TypeError, match=exactly(message)):
        make(maxsize=value)


@pytest.mark.parametrize("value", [-1, -100])
def test_negative_maxsize(value: int) -> None:
    message = f"maxsize must be an int >= 0 (0 means unbounded), got {value}"
    with pytest.raises(ValueError, match=exactly(message)):
        Channel(value)


def test_int_subclass_maxsize_is_shown_as_a_number() -> None:
    ch: Channel[int] = Channel(Size.TWO)
    assert ch.maxsize == 2
    ch.put_nowait(1)
    ch.put_nowait(2)
    check(raised_now(lambda: ch.put_nowait(3)), ChannelFull, "channel is full (maxsize=2)")
    assert str(ch) == "<Channel maxsize=2 qsize=2>"


@pytest.mark.parametrize("loop", [None, "given"])
def test_loop_keyword_warns(loop: str | None) -> None:
    with pytest.warns(DeprecationWarning, match=exactly(LOOP_DEPRECATED)) as caught:
        ch = make(2, loop=None if loop is None else asyncio.new_event_loop)
    assert ch.maxsize == 2
    assert len(caught) == 1
    assert caught[0].filename == __file__  # attributed to the caller


def test_no_warning_without_loop_keyword() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Channel(2)
        Channel()


# -- RuntimeError: waits from two loops ------------------------------------------------------------


def test_wait_from_a_second_loop() -> None:
    ch: Channel[int] = Channel()
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        getter = first.create_task(ch.get())
        first.run_until_complete(asyncio.sleep(0))
        exc = raised_now(lambda: second.run_until_complete(asyncio.wait_for(ch.get(), 1)))
        assert type(exc) is RuntimeError
        assert str(exc) == IN_USE
        ch.put_nowait(1)
        assert first.run_until_complete(asyncio.wait_for(getter, 5)) == 1
    finally:
        first.close()
        second.close()
