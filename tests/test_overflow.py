"""Issue 17: lossy overflow policies on a bounded Channel."""

from __future__ import annotations

import asyncio
from typing import Literal

import pytest
from _support import settle

from aiochannel import Channel, ChannelClosed


@pytest.mark.parametrize(("overflow", "kept"), [("drop_oldest", [3, 4]), ("drop_newest", [0, 1])])
async def test_lossy_puts_never_wait_and_count_what_they_drop(
    overflow: Literal["drop_oldest", "drop_newest"], kept: list[int]
) -> None:
    ch: Channel[int] = Channel(2, overflow=overflow)
    ch.put_nowait(0)
    ch.put_nowait(1)
    assert ch.full()  # no free slot: the next put drops an item
    ch.put_nowait(2)
    await asyncio.wait_for(ch.put(3), 1)  # never waits
    ch.sender.put_nowait(4)
    assert list(ch) == kept
    st = ch.statistics()
    assert (st.dropped, st.qsize, st.peak_qsize) == (3, 2, 2)


async def test_a_waiting_getter_gets_the_item_whatever_the_policy() -> None:
    ch: Channel[int] = Channel(1, overflow="drop_oldest")
    getter = asyncio.ensure_future(ch.get())
    await settle()
    ch.put_nowait(1)  # promised: takes no room
    ch.put_nowait(2)
    ch.put_nowait(3)  # drops 2
    assert await getter == 1
    assert list(ch) == [3]
    assert ch.statistics().dropped == 1


async def test_lossy_channels_close_as_any() -> None:
    ch: Channel[int] = Channel(1, overflow="drop_newest")
    ch.put_nowait(1)
    ch.close()
    with pytest.raises(ChannelClosed):
        ch.put_nowait(2)
    assert [item async for item in ch] == [1]
    assert ch.statistics().dropped == 0


def test_the_default_waits() -> None:
    ch: Channel[int] = Channel(1, overflow="wait")
    ch.put_nowait(1)
    assert ch.statistics().dropped == 0


@pytest.mark.parametrize(
    ("maxsize", "overflow", "message"),
    [
        (
            0,
            "drop_oldest",
            r"^overflow='drop_oldest' needs a bounded channel \(maxsize >= 1\), got maxsize=0$",
        ),
        (0, "drop_newest", r"^overflow='drop_newest' needs a bounded channel"),
        (3, "drop", r"^overflow must be one of 'wait', 'drop_oldest', 'drop_newest', got 'drop'$"),
        (3, None, r"^overflow must be one of 'wait', 'drop_oldest', 'drop_newest', got None$"),
    ],
)
def test_bad_overflow_is_refused(maxsize: int, overflow: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Channel(maxsize, overflow=overflow)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]


async def test_drop_oldest_behind_a_cancelled_getter_still_in_line() -> None:
    """A cancelled getter left in the line (lazily) is passed before the buffer fills, so a
    drop of the oldest finds no getter to serve: the items and the count come out right."""
    ch: Channel[int] = Channel(1, overflow="drop_oldest")
    first = asyncio.ensure_future(ch.get())
    second = asyncio.ensure_future(ch.get())
    await settle()
    second.cancel()
    await settle()
    ch.put_nowait(1)  # promised to the first getter
    ch.put_nowait(2)  # fills the buffer
    ch.put_nowait(3)  # drops 2
    assert await first == 1
    assert second.cancelled()
    assert (ch.get_nowait(), ch.statistics().dropped, ch.qsize()) == (3, 1, 0)
