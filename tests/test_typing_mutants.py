"""The static typing tests in ``typing_tests/`` must be able to fail.

Each mutant is a copy of the installed ``aiochannel`` package with one deliberate mistake in its
protocols. mypy and pyright check ``typing_tests/`` against each copy, configured by a copy of
``pyproject.toml`` (both resolve ``aiochannel`` from ``src/`` next to it), and must both fail with
the expected errors at the expected lines; the unmutated copy must pass both. Errors inside the
mutated package itself are not counted (mypy: ``--follow-imports=silent``; pyright reports only the
files it is asked to check): the typing tests have to notice the mistake on their own.

Needs mypy and pyright, which only the ``dev`` environment installs; skipped elsewhere. The
``typing_tests`` modules are also imported here, on every interpreter, to show that they load.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import pytest

import aiochannel

ROOT = Path(__file__).resolve().parents[1]
TYPING_TESTS = ROOT / "typing_tests"
PACKAGE = Path(aiochannel.__file__).resolve().parent

Checker = Literal["mypy", "pyright"]
CHECKERS: tuple[Checker, ...] = ("mypy", "pyright")

#: The error codes meaning "accepted what it had to reject": an ignore comment suppressed nothing.
UNUSED_IGNORE = {"mypy": {"unused-ignore"}, "pyright": {"reportUnnecessaryTypeIgnoreComment"}}
#: The error codes meaning "rejected what it had to accept".
REJECTED = {
    "mypy": {"arg-type", "assignment"},
    "pyright": {"reportArgumentType", "reportAssignmentType"},
}


@dataclass(frozen=True)
class Diagnostic:
    module: str  # file name inside typing_tests/
    line: int  # 1-based
    code: str  # mypy error code or pyright rule
    source: str  # the text of that line


@dataclass(frozen=True)
class Expected:
    """An error each checker must report in ``module`` on the line that contains ``snippet``."""

    kind: Literal["accepted", "rejected"]  # accepted = an ignore comment went unused
    module: str
    snippet: str

    def matches(self, checker: Checker, d: Diagnostic) -> bool:
        codes = UNUSED_IGNORE[checker] if self.kind == "accepted" else REJECTED[checker]
        return d.module == self.module and d.code in codes and self.snippet in d.source


@dataclass(frozen=True)
class Mutant:
    name: str
    mutate: Callable[[str], str]  # the text of _protocols.py -> the mutated text
    expected: tuple[Expected, ...]


@dataclass(frozen=True)
class Result:
    returncode: int
    diagnostics: tuple[Diagnostic, ...]
    output: str


# -- the mutations ------------------------------------------------------------------------------


def _type_param(source: str, protocol: str) -> str:
    match = re.search(rf"^class {protocol}\(Protocol\[(\w+)\]\):", source, re.MULTILINE)
    assert match, f"class {protocol}(Protocol[...]) not found in _protocols.py"
    return match.group(1)


def _set_variance(protocol: str, old: str, new: str) -> Callable[[str], str]:
    def mutate(source: str) -> str:
        name = _type_param(source, protocol)
        pattern = rf'^({name} = TypeVar\("{name}", ){old}=True\)$'
        mutated, count = re.subn(pattern, rf"\g<1>{new}=True)", source, flags=re.MULTILINE)
        assert count == 1, f"{name} = TypeVar({name!r}, {old}=True) not found in _protocols.py"
        return mutated

    return mutate


def _add_put_nowait_to_receive_channel(source: str) -> str:
    name = _type_param(source, "ReceiveChannel")
    start = source.index("\nclass ReceiveChannel(")
    # The class body ends at the next line that is not indented (or at the end of the file).
    end = re.compile(r"\n(?=\S)").search(source, start + 1)
    stop = len(source) if end is None else end.start()
    body = source[start:stop].rstrip("\n")
    method = f"\n\n    def put_nowait(self, item: {name}) -> None: ...\n"
    return source[:start] + body + method + source[stop:]


MUTANTS = (
    Mutant(
        "SendChannel covariant",
        _set_variance("SendChannel", "contravariant", "covariant"),
        (
            Expected("accepted", "check_variance.py", "wants_tx_int(tx_bool)"),
            Expected("accepted", "check_variance.py", "wider: SendChannel[object] = tx_int"),
            Expected("rejected", "check_variance.py", "wants_tx_int(tx_obj)"),
            Expected("rejected", "check_variance.py", "narrower: SendChannel[bool] = tx_int"),
        ),
    ),
    Mutant(
        "ReceiveChannel contravariant",
        _set_variance("ReceiveChannel", "covariant", "contravariant"),
        (
            Expected("accepted", "check_variance.py", "wants_rx_int(rx_obj)"),
            Expected("accepted", "check_variance.py", "narrower: ReceiveChannel[bool] = rx_int"),
            Expected("rejected", "check_variance.py", "wants_rx_int(rx_bool)"),
            Expected("rejected", "check_variance.py", "wider: ReceiveChannel[object] = rx_int"),
            Expected("rejected", "check_protocols.py", "log_everything(button.events)"),
        ),
    ),
    Mutant(
        "ReceiveChannel.put_nowait",
        _add_put_nowait_to_receive_channel,
        (
            Expected("accepted", "check_rejected.py", "rx.put_nowait(n)"),
            Expected("accepted", "check_rejected.py", "ch.receiver.put_nowait(n)"),
            Expected("accepted", "check_protocols.py", "button.events.put_nowait(click)"),
        ),
    ),
)


# -- running the checkers -----------------------------------------------------------------------


def _make_copy(where: Path, mutant: Mutant | None) -> Path:
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(PACKAGE, where / "src" / "aiochannel", ignore=ignore)
    shutil.copytree(TYPING_TESTS, where / "typing_tests", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    if mutant is not None:
        protocols = where / "src" / "aiochannel" / "_protocols.py"
        original = protocols.read_text()
        mutated = mutant.mutate(original)
        assert mutated != original
        protocols.write_text(mutated)
    return where


def _mapping(value: object) -> dict[str, object]:
    assert isinstance(value, dict), value
    return cast("dict[str, object]", value)


def _diagnostic(copy: Path, file: object, line: int, code: object) -> Diagnostic:
    path = Path(str(file))
    if not path.is_absolute():
        path = copy / path
    lines = path.read_text().splitlines()
    return Diagnostic(path.name, line, str(code), lines[line - 1] if 0 < line <= len(lines) else "")


def _mypy(copy: Path) -> Result:
    env = {k: v for k, v in os.environ.items() if k not in {"MYPYPATH", "PYTHONPATH"}}
    command = [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml"]
    command += ["--cache-dir", str(copy / ".mypy_cache"), "--follow-imports=silent"]
    command += ["--output=json", "typing_tests"]
    proc = subprocess.run(
        command, cwd=copy, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    diagnostics: list[Diagnostic] = []
    for text in proc.stdout.splitlines():
        if text.startswith("{"):
            d = _mapping(json.loads(text))
            if d["severity"] == "error":
                line = d["line"]
                assert isinstance(line, int)
                diagnostics.append(_diagnostic(copy, d["file"], line, d["code"]))
    return Result(proc.returncode, tuple(diagnostics), proc.stdout + proc.stderr)


def _pyright(copy: Path) -> Result:
    command = [sys.executable, "-m", "pyright", "--project", str(copy)]
    command += ["--pythonpath", sys.executable, "--outputjson", "typing_tests"]
    proc = subprocess.run(
        command, cwd=copy, capture_output=True, text=True, timeout=300, check=False
    )
    output = proc.stdout + proc.stderr
    assert "{" in proc.stdout, output
    report = _mapping(json.loads(proc.stdout[proc.stdout.index("{") :]))
    found = report["generalDiagnostics"]
    assert isinstance(found, list), output
    diagnostics: list[Diagnostic] = []
    for item in cast("list[object]", found):
        d = _mapping(item)
        if d["severity"] == "error":
            start = _mapping(_mapping(d["range"])["start"])["line"]
            assert isinstance(start, int)
            diagnostics.append(_diagnostic(copy, d["file"], start + 1, d.get("rule", "")))
    return Result(proc.returncode, tuple(diagnostics), output)


RUN: dict[Checker, Callable[[Path], Result]] = {"mypy": _mypy, "pyright": _pyright}


Results = dict[tuple[str, Checker], Result]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """Both checkers on the unmutated copy ("control") and on every mutant, run in parallel."""
    pytest.importorskip("mypy")
    pytest.importorskip("pyright")
    variants: list[tuple[str, Mutant | None]] = [("control", None)]
    variants += [(m.name, m) for m in MUTANTS]
    copies = {
        name: _make_copy(tmp_path_factory.mktemp(re.sub(r"\W+", "-", name)), mutant)
        for name, mutant in variants
    }
    jobs: list[tuple[str, Checker]] = [(name, checker) for name in copies for checker in CHECKERS]

    def run(job: tuple[str, Checker]) -> Result:
        name, checker = job
        return RUN[checker](copies[name])

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        return dict(zip(jobs, pool.map(run, jobs), strict=True))


# -- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("checker", CHECKERS)
def test_unmutated_copy_passes(results: Results, checker: Checker) -> None:
    result = results["control", checker]
    assert result.diagnostics == (), result.output
    assert result.returncode == 0, result.output


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_is_caught(results: Results, mutant: Mutant, checker: Checker) -> None:
    result = results[mutant.name, checker]
    assert result.returncode == 1, result.output
    missing = [
        e for e in mutant.expected if not any(e.matches(checker, d) for d in result.diagnostics)
    ]
    assert missing == [], result.output
    # Every error is reported in the typing tests, as one of the two expected kinds.
    kinds = UNUSED_IGNORE[checker] | REJECTED[checker]
    assert {d.code for d in result.diagnostics} <= kinds, result.output


def _verifytypes(site: Path) -> tuple[int, float, str]:
    """``pyright --verifytypes aiochannel`` with ``site`` first on the import path."""
    pytest.importorskip("pyright")
    env = dict(os.environ, PYTHONPATH=str(site))
    # --verifytypes asks the first python on PATH for the import path (it ignores --pythonpath).
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    command = [sys.executable, "-m", "pyright", "--verifytypes", "aiochannel"]
    command += ["--ignoreexternal", "--outputjson"]
    # Run where no pyproject.toml applies, so that nothing but the import path finds the package.
    cwd = site.parent
    proc = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    output = proc.stdout + proc.stderr
    assert "{" in proc.stdout, output
    report = _mapping(json.loads(proc.stdout[proc.stdout.index("{") :]))
    completeness = _mapping(report["typeCompleteness"])
    assert completeness["packageRootDirectory"] == str(site / "aiochannel"), output
    score = completeness["completenessScore"]
    assert isinstance(score, int | float), output
    return proc.returncode, float(score), output


def test_verifytypes_passes_on_a_copy(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "aiochannel", ignore=shutil.ignore_patterns("__pycache__"))
    returncode, score, output = _verifytypes(site)
    assert (returncode, score) == (0, 1.0), output


def test_verifytypes_fails_below_100_percent(tmp_path: Path) -> None:
    """One unannotated public method is enough for ``make verifytypes`` to fail."""
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "aiochannel", ignore=shutil.ignore_patterns("__pycache__"))
    errors = site / "aiochannel" / "_errors.py"
    source = errors.read_text()
    header = "class ChannelError(Exception):\n"
    assert header in source
    untyped = "    def describe(self, detail):\n        return detail\n\n"
    errors.write_text(source.replace(header, header + untyped, 1))
    returncode, score, output = _verifytypes(site)
    assert returncode == 1, output
    assert score < 1.0, output


def test_mutations_apply_to_the_current_protocols() -> None:
    source = (PACKAGE / "_protocols.py").read_text()
    for mutant in MUTANTS:
        mutated = mutant.mutate(source)
        assert mutated != source
        compile(mutated, "_protocols.py", "exec")


@pytest.mark.parametrize("path", sorted(TYPING_TESTS.glob("check_*.py")), ids=lambda p: p.stem)
def test_typing_tests_import_at_run_time(path: Path) -> None:
    spec = importlib.util.spec_from_file_location(f"typing_tests.{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.__name__ == f"typing_tests.{path.stem}"
