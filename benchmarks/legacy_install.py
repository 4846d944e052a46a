"""Install the aiochannel 1.x peer into ``benchmarks/.legacy`` (``make bench`` runs this first).

The requirement is pinned in one place: ``[tool.aiochannel-bench] legacy`` in pyproject.toml. The
install is skipped when the directory already holds that requirement. Only this step touches the
network; the harness itself never does.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path
from typing import cast

from ._legacy import LEGACY_DIR, REQUIREMENT_FILE, installed_requirement
from ._worker import ROOT

__all__ = ["main", "pinned_requirement"]


def _table(value: object) -> dict[str, object]:
    return cast("dict[str, object]", value) if isinstance(value, dict) else {}


if sys.version_info >= (3, 11):
    import tomllib

    def _load(path: Path) -> dict[str, object]:
        with path.open("rb") as f:
            return tomllib.load(f)

else:

    def _load(path: Path) -> dict[str, object]:
        raise SystemExit("benchmarks.legacy_install needs Python 3.11+ (tomllib)")


def pinned_requirement(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The requirement string of ``[tool.aiochannel-bench] legacy``."""
    config = _load(pyproject)
    pin = _table(_table(config).get("tool")).get("aiochannel-bench")
    pin = _table(pin).get("legacy")
    if not isinstance(pin, str) or not pin.strip():
        raise SystemExit(f"{pyproject}: no [tool.aiochannel-bench] legacy = '<requirement>'")
    return pin.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=LEGACY_DIR, help="install directory")
    args = parser.parse_args(argv)
    target: Path = args.dir
    requirement = pinned_requirement()
    if installed_requirement(target) == requirement:
        print(f"{requirement} already installed in {target}")
        return 0
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",  # 1.4.1 has none; anything else in the directory would shadow the venv
            "--target",
            str(target),
            requirement,
        ],
        check=True,
    )
    (target / REQUIREMENT_FILE).write_text(requirement + "\n", encoding="utf-8")
    print(f"installed {requirement} into {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
