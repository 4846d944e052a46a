"""Names a user can see: in exception messages, coroutine names, reprs, ``help()`` and a type
checker's output (issue 14's papercuts), and the 1.x habits of mocking and tagging a channel."""

from __future__ import annotations

import pydoc
import re
import subprocess
import sys
import tracemalloc
import weakref
from pathlib import Path
from unittest import mock

import pytest

from aiochannel import Channel

ROOT = Path(__file__).resolve().parent.parent
PRIVATE = ("_End", "_SendEnd", "_ReceiveEnd", "_SendView", "_ReceiveView", "_NotGiven", "_state")


def test_a_missing_method_on_an_end_names_an_end() -> None:
    ch: Channel[int] = Channel()
    with pytest.raises(AttributeError, match=r"^'ChannelReceiver' object has no attribute 'put'"):
        getattr(ch.receiver, "put")  # noqa: B009
    with pytest.raises(AttributeError, match=r"^'ChannelSender' object has no attribute 'get'"):
        getattr(ch.sender, "get")  # noqa: B009


def test_coroutines_are_named_after_public_looking_classes() -> None:
    ch: Channel[int] = Channel()
    coros = [ch.put(1), ch.sender.put(1), ch.get(), ch.receiver.get(), ch.join()]
    try:
        names = [getattr(coro, "__qualname__") for coro in coros]  # noqa: B009
    finally:
        for coro in coros:
            coro.close()
    assert names == [
        "ChannelSender.put",
        "ChannelSender.put",
        "ChannelReceiver.get",
        "ChannelReceiver.get",
        "ChannelEnd.join",
    ]


def test_help_shows_no_private_names() -> None:
    text = re.sub(".\b", "", pydoc.render_doc(Channel))  # without the bold of backspaces
    assert "loop: 'object' = <not given>" in text
    for name in PRIVATE:
        assert name not in text, name


def test_reprs_name_the_ends() -> None:
    ch: Channel[int] = Channel(3)
    assert str(ch.sender) == "<SendChannel maxsize=3 qsize=0>"
    assert str(ch.receiver) == "<ReceiveChannel maxsize=3 qsize=0>"


def test_mypy_messages_name_public_looking_classes(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from aiochannel import Channel\n"
        "ch: Channel[int] = Channel()\n"
        "async def f() -> None:\n"
        "    await ch.put('x')\n"
        "    await ch.receiver.get(1)\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--strict", str(snippet)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"MYPYPATH": str(ROOT / "src"), "PATH": ""},
    ).stdout
    assert '"put" of "ChannelSender"' in out, out
    assert '"get" of' in out, out
    for name in PRIVATE:
        assert name not in out, out


# -- 1.x habits ------------------------------------------------------------------------------------


def test_a_channel_can_be_tagged_and_its_methods_mocked() -> None:
    ch: Channel[int] = Channel()
    setattr(ch, "name", "jobs")  # noqa: B010
    assert vars(ch) == {"name": "jobs"}
    with mock.patch.object(ch, "put_nowait") as put_nowait:
        ch.put_nowait(1)
    put_nowait.assert_called_once_with(1)
    assert ch.qsize() == 0
    ch.put_nowait(2)  # the real method again
    assert list(ch) == [2]


def test_channels_and_their_ends_are_weakly_referenceable() -> None:
    ch: Channel[int] = Channel()
    refs: list[weakref.ref[object]] = [
        weakref.ref(ch),
        weakref.ref(ch.sender),
        weakref.ref(ch.receiver),
    ]
    assert [r() for r in refs] == [ch, ch.sender, ch.receiver]


def test_an_idle_channel_with_both_ends_stays_small() -> None:
    """At most 600 bytes per idle channel with both ends made (282 before issue 14)."""
    count = 10_000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        channels: list[Channel[int]] = []
        for _ in range(count):
            ch: Channel[int] = Channel()
            ch.sender  # noqa: B018
            ch.receiver  # noqa: B018
            channels.append(ch)
        size = (tracemalloc.get_traced_memory()[0] - before) / count
    finally:
        tracemalloc.stop()
    assert size <= 600, size
