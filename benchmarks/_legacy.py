"""Where aiochannel 1.4.1, the previous major version, is installed for the benchmarks.

``benchmarks.legacy_install`` installs the release pinned in pyproject.toml with
``pip install --no-deps --target benchmarks/.legacy``; it shares our import name, so the harness
measures it in a worker process (``benchmarks._worker``) that imports it from that directory.
"""

from __future__ import annotations

from pathlib import Path

from ._worker import ROOT

__all__ = ["LEGACY_DIR", "REQUIREMENT_FILE", "installed_requirement"]

LEGACY_DIR = ROOT / "benchmarks" / ".legacy"
#: Written by ``benchmarks.legacy_install`` once the install succeeded: the requirement it holds.
REQUIREMENT_FILE = "REQUIREMENT"


def installed_requirement(legacy_dir: Path) -> str | None:
    """The requirement installed in ``legacy_dir``, or None if nothing (complete) is there."""
    stamp = legacy_dir / REQUIREMENT_FILE
    if not stamp.is_file() or not (legacy_dir / "aiochannel" / "__init__.py").is_file():
        return None
    return stamp.read_text(encoding="utf-8").strip()
