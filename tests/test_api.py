"""The public surface: names, version, exceptions, protocols."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import aiochannel
from aiochannel import (
    Channel,
    ChannelClosed,
    ChannelEmpty,
    ChannelError,
    ChannelFull,
    ReceiveChannel,
    SendChannel,
)

SRC = Path(__file__).resolve().parent.parent / "src"


def test_all_is_exactly_the_public_names() -> None:
    assert aiochannel.__all__ == [
        "Broadcast",
        "Channel",
        "ChannelClosed",
        "ChannelEmpty",
        "ChannelError",
        "ChannelFull",
        "ChannelLagged",
        "ChannelStatistics",
        "ReceiveChannel",
        "Selected",
        "SendChannel",
        "Watch",
        "__version__",
        "as_channel",
        "merge",
        "select",
        "select_nowait",
        "selected_from",
    ]
    for name in aiochannel.__all__:
        assert hasattr(aiochannel, name), name


def test_star_import_gives_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from aiochannel import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(aiochannel.__all__)


def test_version() -> None:
    assert aiochannel.__version__ == "2.0.0"


def test_version_needs_no_installed_metadata() -> None:
    # importlib.metadata made unimportable, and the package imported from the source tree only.
    code = (
        "import sys\n"
        "sys.modules['importlib.metadata'] = None\n"
        f"sys.path.insert(0, {str(SRC)!r})\n"
        "import aiochannel\n"
        "assert aiochannel.__file__.startswith(sys.path[0]), aiochannel.__file__\n"
        "print(aiochannel.__version__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout == "2.0.0\n"
    assert out.stderr == ""


@pytest.mark.parametrize("exc", [ChannelClosed, ChannelEmpty, ChannelFull])
def test_exceptions_derive_from_channel_error(exc: type[ChannelError]) -> None:
    assert issubclass(exc, ChannelError)
    assert issubclass(exc, Exception)
    assert exc.__module__.startswith("aiochannel")


def test_channel_error_is_an_exception_and_distinct() -> None:
    assert issubclass(ChannelError, Exception)
    assert not issubclass(ChannelError, (RuntimeError, ValueError, LookupError))
    distinct = {ChannelClosed, ChannelEmpty, ChannelFull}
    for a in distinct:
        for b in distinct - {a}:
            assert not issubclass(a, b)


def test_channel_is_generic_at_runtime() -> None:
    ch = Channel[int](3)
    assert type(ch) is Channel
    assert ch.maxsize == 3


def test_protocols_are_runtime_checkable_protocols() -> None:
    assert getattr(SendChannel, "_is_protocol", False)
    assert getattr(ReceiveChannel, "_is_protocol", False)
    assert getattr(SendChannel, "_is_runtime_protocol", False)
    assert getattr(ReceiveChannel, "_is_runtime_protocol", False)
    # Subscriptable, as a user's annotations need at run time.
    assert SendChannel[int] is not None
    assert ReceiveChannel[int] is not None


def test_unrelated_objects_are_not_channels() -> None:
    def is_send(x: object) -> bool:
        return isinstance(x, SendChannel)

    def is_receive(x: object) -> bool:
        return isinstance(x, ReceiveChannel)

    import asyncio

    q: asyncio.Queue[int] = asyncio.Queue()
    candidates: list[object] = [object(), [1], q]
    for obj in candidates:
        assert not is_send(obj)
        assert not is_receive(obj)


def test_py_typed_marker_is_shipped() -> None:
    assert (Path(aiochannel.__file__).parent / "py.typed").is_file()


def test_1x_module_paths_still_import() -> None:
    from aiochannel import channel, errors

    assert channel.Channel is aiochannel.Channel
    assert channel.__all__ == ["Channel"]
    assert errors.__all__ == ["ChannelClosed", "ChannelEmpty", "ChannelError", "ChannelFull"]
    assert errors.ChannelClosed is aiochannel.ChannelClosed
    assert errors.ChannelEmpty is aiochannel.ChannelEmpty
    assert errors.ChannelError is aiochannel.ChannelError
    assert errors.ChannelFull is aiochannel.ChannelFull
