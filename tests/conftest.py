"""Shared fixtures: the seed article and one store built from it for the whole session.

The session store is read-only for the tests that use it; tests that write copy it first
(:func:`store_copy`), so that the ~5–10 s build happens once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """A Python without the package gets one clear line, not an import error per test file."""
    try:
        import playwright  # noqa: F401

        import meihao_kg  # noqa: F401
    except ImportError as exc:
        raise pytest.UsageError(
            f"{exc.name} is not installed in this Python ({exc}): run ./scripts/test.sh, which "
            "installs the package with its test extras into .venv/ and runs the tests there"
        ) from None
SEED = REPO / "data" / "raw" / "000_c1cc9ca213bfcef2.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    assert SEED.exists(), SEED
    return SEED


@pytest.fixture(scope="session")
def seed_raw(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory, seed_path: Path):
    """The BuildReport of building the seed once (validated) into a session store."""
    from meihao_kg.pipeline import build_kg

    root = tmp_path_factory.mktemp("seed-store") / "kg"
    report = build_kg([seed_path], store=root, validate=True)
    return report


@pytest.fixture(scope="session")
def seed_store_path(seed_build) -> Path:
    return Path(seed_build.store)


@pytest.fixture(scope="session")
def seed_store(seed_store_path: Path):
    from meihao_kg.store.local import open_store

    return open_store(seed_store_path)


@pytest.fixture()
def store_copy(seed_store_path: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the seed store (the ``current`` symlink is relative)."""
    dest = tmp_path / "kg"
    shutil.copytree(seed_store_path, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def run_cli():
    """Invoke ``meihao-kg`` in-process; returns the click Result."""
    from click.testing import CliRunner

    from meihao_kg.cli import cli

    def run(*args: str, store: Path | str | None = None):
        argv = list(args)
        if store is not None:
            argv += ["--store", str(store)]
        # click >= 8.2: result.output has stdout and stderr interleaved, .stdout/.stderr apart
        return CliRunner().invoke(cli, argv, catch_exceptions=False)

    return run
