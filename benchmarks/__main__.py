"""``python -m benchmarks``: run the benchmark harness."""

from __future__ import annotations

from .harness import main

raise SystemExit(main())
