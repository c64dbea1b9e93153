"""The linters the project holds itself to, run as part of the test suite (so CI runs them):
ruff with the rules of ``pyproject.toml`` (bugbear, simplify and pyupgrade among them) over the
library, the tests and the benchmarks, and mypy in strict mode over the library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    done = _run("ruff", "check", "src", "tests", "bench")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean() -> None:
    done = _run("mypy", "--strict", "src/meihao_kg")
    assert done.returncode == 0, done.stdout + done.stderr
