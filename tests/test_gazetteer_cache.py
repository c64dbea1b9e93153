"""The gazetteer cache: the same tree as jionlp's tables, rebuilt when damaged, never required."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from meihao_kg.extract import gazetteer_cache as gc


@pytest.fixture(scope="module")
def jionlp_tree() -> dict:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from jionlp.dictionary.dictionary_loader import china_location_loader

        return china_location_loader(detail=True)


def _fresh(monkeypatch: pytest.MonkeyPatch, where: Path) -> None:
    monkeypatch.setenv("MEIHAO_KG_CACHE", str(where))
    gc._load.cache_clear()


def test_cached_tree_is_jionlps_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jionlp_tree: dict) -> None:
    _fresh(monkeypatch, tmp_path)
    first = gc.coarse_tree()  # read from the tables, cache written
    files = list(tmp_path.glob("gazetteer-*.marshal"))
    assert len(files) == 1
    gc._load.cache_clear()
    again = gc.coarse_tree()  # read from the cache
    assert again == first
    rebuilt: dict = {}
    for p, pnode in again.items():
        rebuilt[p] = {}
        for c, cnode in pnode.items():
            if c.startswith("_"):
                rebuilt[p][c] = cnode
                continue
            rebuilt[p][c] = {}
            for k, knode in cnode.items():
                if k.startswith("_"):
                    rebuilt[p][c][k] = knode
                else:  # the county's own keys, then its townships from the cache
                    rebuilt[p][c][k] = {**knode, **gc.county_towns(p, c, k)}
    assert rebuilt == jionlp_tree
    gc._load.cache_clear()


def test_damaged_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh(monkeypatch, tmp_path)
    gc.coarse_tree()
    (cache,) = tmp_path.glob("gazetteer-*.marshal")
    good = cache.read_bytes()
    cache.write_bytes(good[: len(good) // 3])  # a truncated file
    gc._load.cache_clear()
    assert "辽宁省" in gc.coarse_tree()
    assert cache.read_bytes() == good
    gc._load.cache_clear()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        _fresh(monkeypatch, ro / "meihao-kg")
        assert "辽宁省" in gc.coarse_tree()
        assert not list(ro.rglob("*.marshal"))
    finally:
        ro.chmod(0o700)
        gc._load.cache_clear()


def test_cache_path_that_is_a_file_is_not_an_error(tmp_path: Path) -> None:
    """The cache folder cannot be created (a file is in the way): the build still resolves places."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    code = ("from meihao_kg.extract.gazetteer import division_named, county_children;"
            "d = division_named('和平区', '辽宁省'); print(d.code, len(county_children(d)) > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "MEIHAO_KG_CACHE": str(blocker / "cache")})
    assert out.stdout.split() == ["210102", "True"]
    assert out.stderr == ""


def test_tree_read_from_the_zip_jionlp_ships(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before jionlp's first import unpacks its tables, only ``china_location.zip`` is
    there (a fresh install): the tree is read from it, the same as from the text."""
    text_table = gc.table_path()
    zipped = text_table.with_suffix(".zip")
    assert zipped.exists()
    _fresh(monkeypatch, tmp_path / "a")
    from_text = (gc.coarse_tree(), gc.county_towns("辽宁省", "大连市", "甘井子区"))
    monkeypatch.setattr(gc, "table_path", lambda: zipped)
    _fresh(monkeypatch, tmp_path / "b")
    from_zip = (gc.coarse_tree(), gc.county_towns("辽宁省", "大连市", "甘井子区"))
    assert from_zip == from_text and from_zip[1]
    gc._load.cache_clear()
