"""The ``meihao-kg`` command line: help texts and the README's coverage of the commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from meihao_kg.cli import cli

COMMANDS = ["build", "query", "export", "info", "validate", "ontology", "viz", "explain", "resolve", "serve", "push"]
README = Path(__file__).resolve().parent.parent / "README.md"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_top_level_help_lists_commands() -> None:
    r = invoke("--help")
    assert r.exit_code == 0
    listed = re.search(r"Commands:\n(.*)", r.output, re.S)
    assert listed
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\s", listed.group(1), re.M), name
    assert set(cli.commands) == set(COMMANDS)
    assert invoke("-h").output == r.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help(name: str) -> None:
    r = invoke(name, "--help")
    assert r.exit_code == 0
    assert r.output.startswith(f"Usage: cli {name}") or f" {name} " in r.output.splitlines()[0]
    text = r.output.split("\n", 2)[2]
    assert len(text.strip()) > 40  # a real description, not just the usage line
    assert cli.commands[name].help


def test_store_option_on_store_commands() -> None:
    for name in ("build", "query", "export", "info", "validate", "viz", "explain", "resolve"):
        assert "--store" in invoke(name, "--help").output, name


def test_version() -> None:
    r = invoke("--version")
    assert r.exit_code == 0 and "version" in r.output


def test_unknown_command() -> None:
    r = invoke("frobnicate")
    assert r.exit_code == 2 and "No such command" in r.output


def test_bad_param_syntax(seed_store_path: Path) -> None:
    r = invoke("query", "indicators", "-p", "no-equals-sign", "--store", str(seed_store_path))
    assert r.exit_code == 2 and "KEY=VALUE" in r.output and "Traceback" not in r.output


def test_resolve_report(seed_store_path: Path) -> None:
    r = invoke("resolve", "--store", str(seed_store_path))
    assert r.exit_code == 0
    assert "merged (one node, several names):" in r.output
    assert "上和府" in r.output  # 上和府小区 / 和平之门上和府 are one project
    assert "near-misses" in r.output


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_mentions_command(name: str) -> None:
    text = README.read_text(encoding="utf-8")
    # a row of the CLI reference, which starts with the command and its options
    assert re.search(rf"^\| `meihao-kg {name}\b", text, re.M), name
