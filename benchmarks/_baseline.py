"""A baseline revision of ours (``--baseline REV``), to show before/after from one run.

``prepare(REV)`` resolves the revision with git and extracts its ``src/aiochannel`` with
``git archive`` into ``benchmarks/.baseline/<full sha>/aiochannel`` (skipped when that is already
there); the harness measures it in a worker process (``benchmarks._worker``) with that directory
first on ``sys.path``, like aiochannel 1.4.1.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ._worker import ROOT

__all__ = ["BASELINE_DIR", "Baseline", "BaselineError", "prepare"]

BASELINE_DIR = ROOT / "benchmarks" / ".baseline"
_PACKAGE = PurePosixPath("src", "aiochannel")


class BaselineError(Exception):
    """The revision cannot be resolved or has no ``src/aiochannel``."""


@dataclass(frozen=True)
class Baseline:
    requested: str  # as given to --baseline
    revision: str  # the full commit sha
    short: str  # git's short sha
    package_dir: Path  # holds aiochannel/: goes first on the worker's sys.path

    @property
    def label(self) -> str:
        return f"aiochannel at {self.short}"


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=False)
    except OSError as exc:
        raise BaselineError(f"cannot run git: {exc}") from exc


def _resolve(rev: str) -> tuple[str, str]:
    done = _git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    revision = done.stdout.decode().strip()
    if done.returncode != 0 or not revision:
        raise BaselineError(f"--baseline {rev}: not a git revision of {ROOT}")
    short = _git("rev-parse", "--short", revision).stdout.decode().strip() or revision[:7]
    return revision, short


def _extract(revision: str, target: Path) -> None:
    """Write ``src/aiochannel`` of ``revision`` to ``target/aiochannel``, all or nothing."""
    done = _git("archive", "--format=tar", revision, str(_PACKAGE))
    if done.returncode != 0:
        message = done.stderr.decode().strip()
        raise BaselineError(f"git archive {revision} {_PACKAGE} failed: {message}")
    partial = target.with_name(f".partial-{target.name}-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            for member in archive.getmembers():
                path = PurePosixPath(member.name)
                if not member.isfile():
                    continue
                if ".." in path.parts or path.parts[: len(_PACKAGE.parts)] != _PACKAGE.parts:
                    raise BaselineError(f"unexpected path {member.name!r} in git archive")
                source = archive.extractfile(member)
                if source is None:
                    raise BaselineError(f"cannot read {member.name!r} from git archive")
                dest = partial.joinpath(*path.parts[1:])  # src/aiochannel/x -> aiochannel/x
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(source.read())
        if not (partial / "aiochannel" / "__init__.py").is_file():
            raise BaselineError(f"{revision} has no {_PACKAGE}/__init__.py")
        shutil.rmtree(target, ignore_errors=True)  # an incomplete copy, left by hand
        os.replace(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def prepare(rev: str, base_dir: Path = BASELINE_DIR) -> Baseline:
    """Resolve ``rev`` and extract its package into ``base_dir/<full sha>`` unless already there."""
    revision, short = _resolve(rev)
    target = base_dir / revision
    if not (target / "aiochannel" / "__init__.py").is_file():
        base_dir.mkdir(parents=True, exist_ok=True)
        _extract(revision, target)
    return Baseline(requested=rev, revision=revision, short=short, package_dir=target)
