"""Everyday use of the command line: readable tables, one-line diagnostics with hints, quiet
broken pipes, folded warnings, --store everywhere, full descriptions in the top-level help.

Each behaviour is checked through click's runner and, where the terminal or the pipe matters,
as a real process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from meihao_kg.query.saved import display_width

REPO = Path(__file__).resolve().parent.parent
EXE = [sys.executable, "-m", "meihao_kg"]


def proc(*args: str, store: Path | None = None, cwd: Path | None = None, **env: str):
    full_env = {k: v for k, v in os.environ.items() if k != "MEIHAO_KG_STORE"}
    full_env.update(env)
    argv = [*EXE, *args] + (["--store", str(store)] if store else [])
    return subprocess.run(argv, capture_output=True, text=True, cwd=cwd or REPO, env=full_env, timeout=120)


def widest(text: str) -> int:
    return max((display_width(line) for line in text.splitlines()), default=0)


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize(
    "args",
    [
        ("indicators", "-p", "project=沿海鉴筑"),
        ("indicators",),
        ("project-organisations", "-p", "project=沿海鉴筑"),
        ("project-dates",),
        ("project-initiatives", "-p", "project=金盛佳园首府"),
        ("initiative-stats",),
        ("organisations",),
    ],
)
def test_table_fits_120_columns_and_shows_names(run_cli, seed_store_path: Path, args) -> None:
    r = run_cli("query", *args, store=seed_store_path)
    assert r.exit_code == 0, r.output
    assert widest(r.stdout) <= 120, r.stdout
    assert "https://" not in r.stdout
    assert re.search(r"^\(\d+ rows?\)$", r.stdout.splitlines()[-1])


def test_indicator_table_content(run_cli, seed_store_path: Path) -> None:
    r = run_cli("query", "indicators", "-p", "project=沿海鉴筑", store=seed_store_path)
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["name", "indicator", "value", "unit", "qualifier", "quote"]
    assert set(lines[1]) <= {"-", " "}
    assert any("沿海鉴筑" in line and "fee-collection-rate" in line and "96.3" in line for line in lines)
    # the long quote is all there, wrapped inside its column
    assert "物業(yè)費收繳率達到96.3%" in r.stdout.replace("\n", "")


def test_narrow_terminal_wraps_quotes(seed_store_path: Path) -> None:
    r = proc("query", "indicators", store=seed_store_path, COLUMNS="70")
    assert r.returncode == 0, r.stderr
    assert widest(r.stdout) <= 70
    assert "\x1b[" not in r.stdout  # a pipe gets no colour codes


def test_iri_flag_and_csv_keep_iris(run_cli, seed_store_path: Path) -> None:
    r = run_cli("query", "indicators", "-p", "project=沿海鉴筑", "--iri", store=seed_store_path)
    assert r.stdout.splitlines()[0].split()[0] == "project"  # the IRI column is kept (wrapped)
    assert "https://w3id.org/meihao-kg" in r.stdout and widest(r.stdout) <= 120
    r = run_cli("query", "initiative-stats", store=seed_store_path)
    assert "党建引领" in r.stdout and "projects_with_narrower" in r.stdout


def test_short_ids_for_iri_columns_without_a_name() -> None:
    from meihao_kg.query.saved import QueryResult
    from meihao_kg.query.tables import readable_columns

    res = QueryResult(("initiative", "count", "project", "name"),
                      (("https://w3id.org/meihao-kg/concept/initiative/waste-sorting", "3",
                        "https://w3id.org/meihao-kg/id/project/1/a", "甲"),))
    out = readable_columns(res)
    assert out.columns == ("initiative", "count", "name")
    assert out.rows == (("waste-sorting", "3", "甲"),)
    assert readable_columns(res, iris=True) == res


# --------------------------------------------------------------------------- diagnostics


def test_sparql_syntax_error_names_line_and_column(run_cli, seed_store_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: broken\nSELECT ?x WHERE {\n  ?x ?y\n  FILTER(\n}\n", encoding="utf-8")
    r = run_cli("query", str(bad), store=seed_store_path)
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1, r.stderr
    assert re.match(rf"Error: {re.escape(str(bad))}:4:\d+: SPARQL syntax error near 'FILTER\('", r.stderr)
    assert "u{00C0}" not in r.stderr and "..=" not in r.stderr


def test_missing_rq_file_is_file_not_found(run_cli, seed_store_path: Path) -> None:
    r = run_cli("query", "missing.rq", store=seed_store_path)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: missing.rq: file not found") and r.stderr.count("\n") == 1
    r = run_cli("query", "no-such-query", store=seed_store_path)
    assert "no saved query named 'no-such-query'" in r.stderr and "indicators" in r.stderr


@pytest.mark.parametrize(
    ("args", "message", "close"),
    [
        (("organisations", "-p", "type=foo"), "no organisation type 'foo'", "party-branch"),
        (("organisations", "-p", "type=owner-committee"), "no organisation type", "owners-committee"),
        (("indicators", "-p", "indicator=fee-rate"), "no indicator 'fee-rate'", "fee-collection-rate"),
        (("projects-by-initiative", "-p", "initiative=垃圾处理"), "no initiative matches '垃圾处理'", "垃圾分类"),
        (("projects-in-place", "-p", "place=上海"), "no place '上海'", "known:"),
    ],
)
def test_value_matching_nothing_lists_close_values(run_cli, seed_store_path: Path, args, message, close) -> None:
    r = run_cli("query", *args, store=seed_store_path)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert message in r.stderr and close in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.output


def test_valid_value_with_no_rows_is_not_an_error(run_cli, seed_store_path: Path) -> None:
    # real codes the seed has no row for: an empty answer, exit 0
    r = run_cli("query", "organisations", "-p", "type=party-organization", store=seed_store_path)
    assert r.exit_code == 0 and r.stderr == "" and r.stdout.endswith("(0 rows)\n")
    r = run_cli("query", "indicators", "-p", "indicator=occupancy-rate", store=seed_store_path)
    assert r.exit_code == 0 and r.stderr == "" and r.stdout.endswith("(0 rows)\n")


def test_explain_fact_matching_nothing(run_cli, seed_store_path: Path) -> None:
    r = run_cli("explain", "沿海鉴筑", "--fact", "不存在", store=seed_store_path)
    assert r.exit_code == 1
    assert "no fact of 沿海鉴筑 mentions '不存在'" in r.stderr and r.stderr.count("\n") == 1
    r = run_cli("explain", "沿海鉴筑", "--fact", "收费率", store=seed_store_path)
    assert r.exit_code == 1 and "close: 物业费收缴率" in r.stderr


@pytest.mark.parametrize(
    "args",
    [("query", "--list"), ("ontology",), ("export", "--format", "nt"), ("validate",), ("query", "indicators")],
)
def test_broken_pipe_ends_quietly(seed_store_path: Path, args) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MEIHAO_KG_STORE"}
    p = subprocess.Popen([*EXE, *args, "--store", str(seed_store_path)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=REPO, env=env)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()  # the reader is gone before the first write
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 0, err
    assert err == ""


def test_head_of_query_list_real_shell(seed_store_path: Path) -> None:
    cmd = f"{sys.executable} -m meihao_kg query --list --store {seed_store_path} | head -1"
    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("indicators")


# --------------------------------------------------------------------------- build output


def test_build_folds_warnings_and_verbose_lists_them(run_cli, seed_path: Path, tmp_path: Path) -> None:
    r = run_cli("build", str(seed_path), "--no-validate", store=tmp_path / "kg")
    assert r.exit_code == 0, r.output
    warnings = [line for line in r.stderr.splitlines() if line.startswith("warning")]
    assert warnings == [f"warning: damaged text ×5 in {seed_path} (-v for each)"]
    r = run_cli("build", str(seed_path), "--no-validate", "-v", "--force", store=tmp_path / "kg")
    warnings = [line for line in r.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) == 5 and all("damaged text at characters" in w for w in warnings)
    assert "reading 0/1" in r.stderr  # progress, one line per step with -v
    assert f"reading 1/1 5 projects {seed_path}" in r.stderr  # files, projects found so far
    assert f"building graphs 1/1 {seed_path}" in r.stderr
    r = run_cli("build", str(seed_path), "--no-validate", "-q", "--force", store=tmp_path / "kg")
    assert r.stderr == "" and r.stdout == ""


def test_fold_diagnostics_by_code() -> None:
    from meihao_kg.diagnostics import Diagnostic, fold

    damaged = "damaged text at characters 1-4 ('?x'); facts overlapping it are flagged"
    folded = fold([
        Diagnostic.warning("damaged-text", damaged, "a.txt", 3),
        Diagnostic.warning("damaged-text", damaged, "b.txt", 9),
        Diagnostic.warning("encoding", "read as gb18030, not UTF-8", "c.txt"),
        Diagnostic.warning("damaged-text", damaged, "a.txt", 3),  # the same finding twice: once
    ])
    assert [(f.code, f.count) for f in folded] == [("damaged-text", 2), ("encoding", 1)]
    assert folded[0].summary() == "damaged text ×2 in 2 files"
    assert folded[1].summary() == "c.txt: read as gb18030, not UTF-8"
    with pytest.raises(ValueError):
        Diagnostic.warning("no-such-code", "x")


def test_gb18030_source_is_reported_once(run_cli, tmp_path: Path, seed_path: Path) -> None:
    src = tmp_path / "gbk.txt"
    src.write_bytes(seed_path.read_text(encoding="utf-8").encode("gb18030", errors="replace"))
    r = run_cli("build", str(src), "--no-validate", store=tmp_path / "kg")
    assert r.exit_code == 0, r.output
    assert r.stderr.count("not UTF-8") == 1, r.stderr


# --------------------------------------------------------------------------- options and help


def test_ontology_takes_store(run_cli, seed_store_path: Path, tmp_path: Path) -> None:
    packaged = run_cli("ontology")
    stored = run_cli("ontology", store=seed_store_path)
    assert stored.exit_code == 0, stored.output
    assert stored.stdout == packaged.stdout and "fee-collection-rate" in stored.stdout
    missing = run_cli("ontology", store=tmp_path / "none")
    assert missing.exit_code == 1 and "no knowledge graph here yet" in missing.stderr
    # $MEIHAO_KG_STORE set before any build: the packaged ontology, not an error
    r = proc("ontology", MEIHAO_KG_STORE=str(tmp_path / "none"))
    assert r.returncode == 0 and r.stdout == packaged.stdout


def test_every_graph_command_takes_store() -> None:
    from meihao_kg.cli import cli

    for name, cmd in cli.commands.items():
        assert any(p.name == "store" for p in cmd.params), name


def test_top_level_help_is_not_truncated() -> None:
    r = proc("--help", COLUMNS="80")
    assert r.returncode == 0
    commands = r.stdout.split("Commands:\n", 1)[1]
    assert "..." not in commands
    for line in commands.splitlines():
        if line.strip():
            assert line.rstrip().endswith((".", ")")), line


def test_every_command_help_has_an_example(run_cli) -> None:
    from meihao_kg.cli import cli

    for name in cli.commands:
        r = run_cli(name, "--help")
        assert "Example:" in r.stdout and f"meihao-kg {name}" in r.stdout, name


def test_unknown_project_lists_close_names(run_cli, seed_store_path: Path) -> None:
    r = run_cli("query", "indicators", "-p", "project=沿海建筑", store=seed_store_path)
    assert r.exit_code == 1
    assert r.stderr == "Error: no project named '沿海建筑' (close: 沿海鉴筑)\n"


# --------------------------------------------------------------------------- at a terminal


def _run_in_pty(args: list[str], columns: int) -> tuple[int, str]:
    """Run meihao-kg with stdout and stderr on a pseudo-terminal ``columns`` wide."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("MEIHAO_KG_STORE", "COLUMNS", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    p = subprocess.Popen([*EXE, *args], stdin=slave, stdout=slave, stderr=slave, cwd=REPO, env=env,
                         close_fds=True)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return p.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pty sizes as on Linux")
def test_table_at_a_terminal_fits_it_and_has_colour(seed_store_path: Path) -> None:
    rc, out = _run_in_pty(["query", "indicators", "--store", str(seed_store_path)], columns=100)
    assert rc == 0, out
    assert "\x1b[" in out  # bold header
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\r", "")
    assert widest(plain) <= 100
    assert "fee-collection-rate" in plain and "https://" not in plain


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pty sizes as on Linux")
def test_build_at_a_terminal_shows_progress(seed_path: Path, tmp_path: Path) -> None:
    rc, out = _run_in_pty(["build", str(seed_path), "--no-validate", "--store", str(tmp_path / "kg")], columns=100)
    assert rc == 0, out
    assert "reading" in out and "━" in out  # the progress bar (erased when done)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert "warning: damaged text ×5" in plain and "5 projects," in plain


def test_a_build_of_many_sources_sums_them_up_in_one_line(tmp_path: Path) -> None:
    """Thousands of per-source lines say nothing: above 20 sources one line, -v lists each."""
    from meihao_kg.cli import LIST_SOURCES

    raw = tmp_path / "raw"
    raw.mkdir()
    seed = (REPO / "data" / "raw" / "000_c1cc9ca213bfcef2.txt").read_bytes()
    for i in range(LIST_SOURCES + 1):
        (raw / f"copy-{i:02d}.txt").write_bytes(seed)
    done = proc("build", str(raw), store=tmp_path / "kg")
    assert done.returncode == 0, done.stderr
    assert f"{LIST_SOURCES + 1} sources built: {5 * (LIST_SOURCES + 1)} projects" in done.stdout
    assert "copy-00.txt: 5 projects" not in done.stdout
    again = proc("build", str(raw), "--force", "-v", store=tmp_path / "kg")
    assert again.returncode == 0, again.stderr
    assert sum(1 for line in again.stdout.splitlines() if ": 5 projects, " in line) == LIST_SOURCES + 1
