"""The README quickstart and the user guide, run as written."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
GUIDE = REPO / "docs" / "guide.md"


def _block_after(text: str, heading: str, lang: str = "sh") -> str:
    start = text.index(heading)
    m = re.search(rf"```{lang}\n(.*?)```", text[start:], re.S)
    assert m, heading
    return m.group(1)


def quickstart_commands() -> list[list[str]]:
    block = _block_after(README.read_text(encoding="utf-8"), "## Quickstart")
    commands = []
    for line in block.splitlines():
        line = line.split("  #", 1)[0].strip()
        if line.startswith("meihao-kg "):
            commands.append(shlex.split(line)[1:])
    return commands


def test_quickstart_lists_commands() -> None:
    cmds = quickstart_commands()
    assert [c[0] for c in cmds][:2] == ["build", "query"] and len(cmds) >= 8
    assert all("--out" not in c or c[c.index("--out") + 1].startswith("out/") for c in cmds)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_quickstart_in_a_fresh_clone_leaves_no_untracked_files(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "MEIHAO_KG_STORE"}
    for args in quickstart_commands():
        r = subprocess.run([sys.executable, "-m", "meihao_kg", *args], cwd=clone, env=env,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (args, r.stderr)
        assert "Traceback" not in r.stderr
    assert (clone / "out" / "kg.html").exists() and (clone / "out" / "kg.ttl").exists()
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=clone,
                            capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_guide_query_runs(run_cli, seed_store_path: Path, tmp_path: Path) -> None:
    rq = tmp_path / "my-question.rq"
    rq.write_text(_block_after(GUIDE.read_text(encoding="utf-8"), "## 3.", "sparql"), encoding="utf-8")
    r = run_cli("query", str(rq), "-p", "project=沿海鉴筑", store=seed_store_path)
    assert r.exit_code == 0, r.output
    assert "沿海鉴筑" in r.stdout and "2011-10" in r.stdout


def test_guide_and_notebook_are_linked_from_readme() -> None:
    text = README.read_text(encoding="utf-8")
    assert "(docs/guide.md)" in text and "(docs/example.ipynb)" in text
    guide = GUIDE.read_text(encoding="utf-8")
    for section in ("Build from your own articles", "Curate a wrong fact", "Ask a new question",
                    "Share the graph"):
        assert section in guide


def test_guide_commands_are_real(run_cli) -> None:
    """Every ``meihao-kg`` line in the guide names a real command with real options."""
    from meihao_kg.cli import cli

    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        line = line.split("  #", 1)[0].strip()
        if not line.startswith("meihao-kg "):
            continue
        args = shlex.split(line)[1:]
        cmd = cli.commands[args[0]]
        known = {o for p in cmd.params for o in getattr(p, "opts", [])}
        for a in args[1:]:
            if a.startswith("-"):
                assert a in known, (line, a)


def test_readme_export_table_is_the_registry(run_cli) -> None:
    """The README's table of export formats, ``export --help`` and the registry agree."""
    from meihao_kg.export.formats import FORMATS

    text = README.read_text(encoding="utf-8")
    table = text[text.index("Export formats (`--format`)"):]
    rows = re.findall(r"^\| `([a-z]+)` \| `(\.[a-z]+)` \| (.+?) \|$", table.split("\n\n", 2)[1], re.M)
    assert rows == [(f.name, f.suffix, f.description) for f in FORMATS]
    help_text = run_cli("export", "--help").output
    for f in FORMATS:
        assert f.name in help_text


def test_every_registered_format_writes(run_cli, seed_store_path: Path, tmp_path: Path) -> None:
    from meihao_kg.export.formats import FORMATS

    for f in FORMATS:
        out = tmp_path / f"kg{f.suffix}"
        result = run_cli("export", "--format", f.name, "--out", str(out), store=seed_store_path)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000, f.name
