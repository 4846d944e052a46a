"""Making a channel: the item type, ``maxsize``, and the deprecated ``loop`` keyword."""

from __future__ import annotations

import enum
from asyncio import AbstractEventLoop

from typing_extensions import assert_type

from aiochannel import Channel


class Size(enum.IntEnum):
    SMALL = 1
    LARGE = 100


def item_type_from_subscript(n: int) -> None:
    assert_type(Channel[int](5), Channel[int])
    assert_type(Channel[int](), Channel[int])
    assert_type(Channel[int](maxsize=n), Channel[int])
    assert_type(Channel[str](0), Channel[str])
    assert_type(Channel[int | None](1), Channel[int | None])
    assert_type(Channel[int](Size.SMALL), Channel[int])


def item_type_from_declaration() -> Channel[str]:
    x: Channel[str] = Channel()
    assert_type(x, Channel[str])
    y: Channel[bytes] = Channel(maxsize=10)
    assert_type(y, Channel[bytes])
    return Channel()  # the declared return type binds T


def maxsize_must_be_an_int(f: float, s: str, none: None, n: int | None) -> None:
    Channel[int](f)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    Channel[int](s)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    Channel[int](none)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    Channel[int](maxsize=n)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Channel[int](1.5)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]


def no_other_arguments(n: int) -> None:
    Channel[int](n, n)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    Channel[int](size=n)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]


def loop_keyword_is_deprecated(loop: AbstractEventLoop) -> None:
    # Still accepted (it warns at run time and is ignored), and typed, but flagged by both.
    # (pyright 1.1.414 does not check the deprecation on an explicitly specialized class object,
    # `Channel[int](loop=loop)`, so the channels here get their item type from a declaration.)
    a: Channel[int] = Channel(loop=loop)  # type: ignore[deprecated]  # pyright: ignore[reportDeprecated]
    assert_type(a, Channel[int])
    b: Channel[str] = Channel(3, loop=None)  # type: ignore[deprecated]  # pyright: ignore[reportDeprecated]
    assert_type(b, Channel[str])
    Channel(maxsize=3, loop=loop)  # type: ignore[deprecated]  # pyright: ignore[reportDeprecated]


def loop_keyword_still_needs_a_loop(n: int) -> None:
    Channel[int](loop=n)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
