"""Issue 17: a Broadcast against a reference model, operation by operation.

The model is the whole log of items put while someone subscribed, a head (the oldest item still
kept) and, per subscriber, a cursor and whether it hung up. Random operations — subscribe, clone,
put_nowait, get_nowait, hang_up, close, and a waiting get that is served, hung up on or cancelled
at a random moment — are applied to both, and every observable is compared after each one.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

import pytest
from _support import settle

from aiochannel import (
    Broadcast,
    ChannelClosed,
    ChannelEmpty,
    ChannelFull,
    ChannelLagged,
    ReceiveChannel,
)


@dataclass
class ModelSubscriber:
    end: ReceiveChannel[int]
    cursor: int
    hung_up: bool = False


@dataclass
class Model:
    maxsize: int
    lossy: bool
    log: list[int] = field(default_factory=list[int])
    head: int = 0
    dropped: int = 0
    closed: bool = False
    subs: list[ModelSubscriber] = field(default_factory=list[ModelSubscriber])

    def live(self) -> list[ModelSubscriber]:
        return [s for s in self.subs if not s.hung_up]

    def release(self) -> None:
        live = self.live()
        while self.head < len(self.log) and all(s.cursor > self.head for s in live):
            self.head += 1

    def put(self, item: int) -> str:
        """What ``put_nowait`` does: "ok", "full" or "closed"."""
        if self.closed:
            return "closed"
        if not self.live():
            return "ok"  # to nobody
        if len(self.log) - self.head >= self.maxsize:
            if not self.lossy:
                return "full"
            self.head += 1
            self.dropped += 1
        self.log.append(item)
        return "ok"

    def get(self, sub: ModelSubscriber) -> str | int:
        """What ``get_nowait`` returns, or the name of what it raises."""
        if sub.hung_up:
            return "ChannelClosed"
        if sub.cursor < self.head:
            missed = self.head - sub.cursor
            sub.cursor = self.head
            return f"ChannelLagged {missed}"
        if sub.cursor < len(self.log):
            item = self.log[sub.cursor]
            sub.cursor += 1
            self.release()
            return item
        return "ChannelClosed" if self.closed else "ChannelEmpty"

    def available(self, sub: ModelSubscriber) -> int:
        return 0 if sub.hung_up else len(self.log) - max(sub.cursor, self.head)


def real_get(end: ReceiveChannel[int]) -> str | int:
    try:
        return end.get_nowait()
    except ChannelLagged as exc:
        return f"ChannelLagged {exc.missed}"
    except (ChannelClosed, ChannelEmpty) as exc:
        return type(exc).__name__


def real_put(b: Broadcast[int], item: int) -> str:
    try:
        b.put_nowait(item)
    except ChannelFull:
        return "full"
    except ChannelClosed:
        return "closed"
    return "ok"


def outcome(task: asyncio.Future[int]) -> str | int:
    """What a finished get returned, or the name of what it raised (as ``real_get``)."""
    exc = task.exception()
    if exc is None:
        return task.result()
    if isinstance(exc, ChannelLagged):
        return f"ChannelLagged {exc.missed}"
    return type(exc).__name__


def check(b: Broadcast[int], m: Model, step: str) -> None:
    st = b.statistics()
    assert (b.qsize(), st.dropped, st.open_receivers, st.closed) == (
        len(m.log) - m.head,
        m.dropped,
        len(m.live()),
        m.closed,
    ), step
    assert b.full() == (not m.lossy and bool(m.live()) and len(m.log) - m.head >= m.maxsize), step
    for k, sub in enumerate(m.subs):
        assert sub.end.qsize() == m.available(sub), f"{step}: subscriber {k}"
        assert sub.end.closed() == (sub.hung_up or m.closed), f"{step}: subscriber {k}"


async def walk(seed: int) -> None:
    rng = random.Random(seed)
    lossy = rng.random() < 0.5
    b: Broadcast[int] = Broadcast(
        rng.choice((1, 2, 3)), overflow="drop_oldest" if lossy else "wait"
    )
    m = Model(b.maxsize, lossy)
    for n in range(150):
        op = rng.choice(
            ("subscribe", "clone", "put", "put", "put", "get", "get", "hang_up", "wait")
        )
        if op == "subscribe" or not m.subs:
            m.subs.append(ModelSubscriber(b.subscribe(), len(m.log)))
        elif op == "clone":
            sub = rng.choice(m.subs)
            if sub.hung_up:
                with pytest.raises(ChannelClosed):
                    sub.end.clone()
            else:
                m.subs.append(ModelSubscriber(sub.end.clone(), sub.cursor))
        elif op == "put":
            assert real_put(b, n) == m.put(n), f"step {n}: put"
        elif op == "get":
            sub = rng.choice(m.subs)
            assert real_get(sub.end) == m.get(sub), f"step {n}: get"
        elif op == "hang_up":
            sub = rng.choice(m.subs)
            sub.end.hang_up()
            sub.hung_up = True
            m.release()
        else:  # a get that may wait, served by a put or not, cancelled at a random moment
            sub = rng.choice(m.subs)
            task = asyncio.ensure_future(sub.end.get())
            await settle(1)
            if not task.done():  # it waits: the model has nothing for it either
                assert m.available(sub) == 0, f"step {n}: a get waits with items there"
                if rng.random() < 0.5:
                    assert real_put(b, n) == m.put(n), f"step {n}: put to a waiting get"
                if rng.random() < 0.2:  # perhaps after it was woken, before it resumed
                    sub.end.hang_up()
                    sub.hung_up = True
                    m.release()
                if rng.random() < 0.6:
                    task.cancel()  # perhaps after it was woken, before it resumed
                await settle(2)
                if not task.done():  # nothing came for it
                    task.cancel()
                    await settle(2)
            if not task.cancelled():  # a cancelled get read nothing: the model does nothing
                assert outcome(task) == m.get(sub), f"step {n}: get"
        if rng.random() < 0.01:
            b.close()
            m.closed = True
        check(b, m, f"step {n}: {op}")


@pytest.mark.parametrize("seed", range(40))
async def test_a_broadcast_behaves_as_the_model(seed: int) -> None:
    await asyncio.wait_for(walk(seed), 30)
