from __future__ import annotations

import asyncio

from aiochannel import Channel


async def test_loop_kind(request: object) -> None:
    ch: Channel[int] = Channel(1)
    await ch.put(1)
    assert ch.get_nowait() == 1
    assert "uvloop" in type(asyncio.get_running_loop()).__module__ or "asyncio" in str(
        type(asyncio.get_running_loop())
    )
