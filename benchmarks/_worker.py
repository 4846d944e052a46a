"""An aiochannel package in a directory, measured in a worker process of its own.

aiochannel 1.4.1 (the previous major version, installed by ``benchmarks.legacy_install`` into
``benchmarks/.legacy``) and a baseline revision of ours (extracted by ``benchmarks._baseline`` into
``benchmarks/.baseline/<sha>``) have the same import name as this project. So each is measured in a
worker process, ``python -m benchmarks._worker DIR``, that puts ``DIR`` first on ``sys.path``
before importing ``aiochannel`` from it. The parent talks to the worker through JSON lines on its
stdin and stdout, so the worker's runs interleave with the others.

The worker runs the same workloads as the harness (``benchmarks._workloads``) with the package's
``Channel`` methods, and in the composition scenarios with its ``select``, ``merge`` and
``Channel.get_many``, and in the fan-out scenarios with its ``Broadcast``, ``Watch`` and
``Channel(overflow=...)``. Its hello says which of those the package has (``features``): the
harness skips, and says so, a scenario whose feature the package lacks (1.4.1, or a revision
before them). It makes every channel inside the running loop: 1.4.1 calls ``get_event_loop()`` in
``Channel.__init__``, and for 2.x it does no harm.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Protocol, cast

from typing_extensions import Self

from ._memory import idle_bytes
from ._workloads import (
    FANOUT,
    BroadcastEnds,
    BroadcastOverflow,
    ComposeReceiver,
    Drained,
    Ends,
    FanOut,
    LoopName,
    MergeFn,
    PutNowait,
    Receiver,
    SelectFn,
    Sender,
    WatchEnds,
    channel_workload,
    compose_workload,
    fanout_workload,
    run_on_loop,
    scenario_by_key,
)

__all__ = ["FEATURES", "ROOT", "PackageWorker"]

ROOT = Path(__file__).resolve().parent.parent
#: What a composition scenario needs of a package (``Scenario.compose`` -> how it is spelled).
FEATURES = {
    "select": "select()",
    "merge": "merge()",
    "get_many": "get_many()",
    "broadcast": "Broadcast",
    "broadcast_idle": "Broadcast",
    "watch": "Watch",
    "lossy": "Channel(overflow=...)",
}


# -- parent side --------------------------------------------------------------------------------


class PackageWorker:
    """The worker process for the aiochannel package in ``package_dir``, seen from the harness.

    ``name`` says which package it is in error messages ("aiochannel 1.4.1").
    """

    def __init__(self, package_dir: Path, name: str) -> None:
        self.name = name
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._worker", str(package_dir)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            hello = self._ask({"op": "hello"})
            version = self._field(hello, "version")
            location = self._field(hello, "file")
            features = self._field(hello, "features")
            if (
                not isinstance(version, str)
                or not isinstance(location, str)
                or not isinstance(features, list)
            ):
                raise RuntimeError(f"{name} worker: bad hello {hello!r}")
        except BaseException:
            self.close()
            raise
        self.version = version
        self.location = location
        #: The keys of ``FEATURES`` that the package has.
        self.features = frozenset(str(feature) for feature in cast("list[object]", features))

    def _field(self, reply: dict[str, object], key: str) -> object:
        if key not in reply:
            raise RuntimeError(f"{self.name} worker: no {key!r} in reply {reply!r}")
        return reply[key]

    def _ask(self, request: dict[str, object]) -> dict[str, object]:
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None
        assert stdout is not None
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} worker exited (code {self._proc.wait()})")
        reply: object = json.loads(line)
        if not isinstance(reply, dict):
            raise RuntimeError(f"{self.name} worker: bad reply {line!r}")
        fields = cast("dict[str, object]", reply)
        if fields.get("ok") is not True:
            raise RuntimeError(f"{self.name} worker failed: {fields.get('error')}")
        return fields

    def run(self, scenario: str, n: int, loop: LoopName) -> int:
        """Nanoseconds the worker took for ``n`` items of ``scenario`` on ``loop``."""
        reply = self._ask({"op": "run", "scenario": scenario, "n": n, "loop": loop})
        ns = self._field(reply, "ns")
        if not isinstance(ns, int) or ns <= 0:
            raise RuntimeError(f"{self.name} worker: bad timing {ns!r}")
        return ns

    def idle_bytes(self, count: int) -> float:
        """Idle bytes per ``Channel`` of the package, measured in the worker."""
        size = self._field(self._ask({"op": "memory", "count": count}), "bytes")
        if not isinstance(size, (int, float)):
            raise RuntimeError(f"{self.name} worker: bad memory figure {size!r}")
        return float(size)

    def close(self) -> None:
        if self._proc.poll() is None:
            stdin = self._proc.stdin
            assert stdin is not None
            try:
                stdin.write(json.dumps({"op": "quit"}) + "\n")
                stdin.close()
            except BrokenPipeError:
                pass
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


# -- worker side --------------------------------------------------------------------------------


class _PackageChannel(Sender, ComposeReceiver, Protocol):
    """The part of a ``Channel`` (any aiochannel version) the workloads use (``get_many`` only
    where the package has it: see ``_Package.features``)."""

    def close(self) -> None: ...


class _PackageBroadcast(Sender, Protocol):
    """The part of a ``Broadcast`` the fan-out workloads use."""

    def subscribe(self) -> Receiver: ...

    def close(self) -> None: ...


class _PackageWatch(Protocol):
    """The part of a ``Watch`` the fan-out workloads use."""

    def set(self, value: int, /) -> None: ...

    def subscribe(self) -> Receiver: ...

    def close(self) -> None: ...


class _LossyChannel(PutNowait, Drained, Protocol):
    """A ``Channel(maxsize, overflow="drop_oldest")``, as the lossy workload uses it."""


def _has_overflow(channel: Callable[..., object]) -> bool:
    """Whether ``Channel`` takes ``overflow=`` (issue 17), without making one (1.4.1 would
    want an event loop)."""
    try:
        return "overflow" in inspect.signature(channel).parameters
    except (TypeError, ValueError):
        return False


def _fanout(module: ModuleType) -> FanOut:
    """The package's fan-out features; each looked up when called, so that a package without
    one (which the harness never asks to run it) still has the others."""

    def broadcast(maxsize: int, overflow: BroadcastOverflow) -> BroadcastEnds:
        made: _PackageBroadcast = module.Broadcast(maxsize, overflow=overflow)
        return made, made.subscribe, made.close

    def watch(initial: int) -> WatchEnds:
        made: _PackageWatch = module.Watch(initial)
        return made.set, made.subscribe, made.close

    def lossy(maxsize: int) -> tuple[PutNowait, Drained]:
        made: _LossyChannel = module.Channel(maxsize, overflow="drop_oldest")
        return made, made

    def missed(error: BaseException) -> int | None:
        lagged: type[BaseException] = module.ChannelLagged
        count = getattr(error, "missed", None) if isinstance(error, lagged) else None
        return count if isinstance(count, int) else None

    return FanOut(broadcast, watch, lossy, missed)


class _Package:
    """The aiochannel package imported from a directory: what the workloads use of it."""

    def __init__(self, package_dir: Path) -> None:
        if "aiochannel" in sys.modules:
            raise RuntimeError(f"aiochannel was imported before {package_dir} was on sys.path")
        sys.path.insert(0, str(package_dir))
        module = importlib.import_module("aiochannel")
        self.location = str(Path(str(module.__file__)).resolve())
        if not self.location.startswith(str(package_dir.resolve())):
            raise RuntimeError(f"imported aiochannel from {self.location}, not from {package_dir}")
        self.factory: Callable[[int], _PackageChannel] = module.Channel
        self.version = str(module.__version__)
        self.select: SelectFn[_PackageChannel] | None = getattr(module, "select", None)
        self.merge: MergeFn[_PackageChannel] | None = getattr(module, "merge", None)
        has = {
            "select": callable(self.select),
            "merge": callable(self.merge),
            "get_many": callable(getattr(module.Channel, "get_many", None)),
            "broadcast": callable(getattr(module, "Broadcast", None)),
            "broadcast_idle": callable(getattr(module, "Broadcast", None)),
            "watch": callable(getattr(module, "Watch", None)),
            "lossy": _has_overflow(module.Channel),
        }
        self.fanout = _fanout(module)
        self.features = [feature for feature in FEATURES if has[feature]]


def _worker(package_dir: Path) -> None:
    package = _Package(package_dir)
    factory, version, location = package.factory, package.version, package.location

    def make(maxsize: int) -> tuple[_PackageChannel, _PackageChannel, Callable[[], None]]:
        ch = factory(maxsize)
        return ch, ch, ch.close

    def run(scenario_key: str, n: int, loop: LoopName) -> int:
        scenario = scenario_by_key(scenario_key)
        if not scenario.compose:
            plain: Callable[[int], Ends] = make
            return run_on_loop(loop, lambda: channel_workload(plain, scenario, n))
        if scenario.compose not in package.features:
            raise ValueError(f"aiochannel {version} has no {FEATURES[scenario.compose]}")
        if scenario.compose in FANOUT:
            return run_on_loop(loop, lambda: fanout_workload(package.fanout, scenario, n))
        return run_on_loop(
            loop, lambda: compose_workload(make, package.select, package.merge, scenario, n)
        )

    def memory(count: int) -> float:
        async def measure() -> float:
            return idle_bytes(lambda: (factory(0),), count)

        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(measure())
        finally:
            loop.close()

    def answer(request: dict[str, object]) -> dict[str, object]:
        op = request.get("op")
        if op == "hello":
            return {"ok": True, "version": version, "file": location, "features": package.features}
        if op == "run":
            n = request["n"]
            loop = request["loop"]
            if not isinstance(n, int) or loop not in ("asyncio", "uvloop"):
                raise ValueError(f"bad run request {request!r}")
            loop_name: LoopName = "uvloop" if loop == "uvloop" else "asyncio"
            return {"ok": True, "ns": run(str(request["scenario"]), n, loop_name)}
        if op == "memory":
            count = request["count"]
            if not isinstance(count, int):
                raise ValueError(f"bad memory request {request!r}")
            return {"ok": True, "bytes": memory(count)}
        raise ValueError(f"unknown request {request!r}")

    for line in sys.stdin:
        request: object = json.loads(line)
        if not isinstance(request, dict):
            raise ValueError(f"bad request {line!r}")
        fields = cast("dict[str, object]", request)
        if fields.get("op") == "quit":
            return
        try:
            reply = answer(fields)
        except Exception as exc:  # report to the parent, which raises it
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _worker(Path(sys.argv[1]))
