"""Query results as tables for people: names and short ids, long text wrapped to the width.

``format_result(..., "table")`` in :mod:`meihao_kg.query.saved` keeps every column as it is (for
scripts that parse it); this module is what ``meihao-kg query`` prints at a terminal:

* an IRI column followed by a ``name``/``label…`` column is left out (the name says which
  entity it is); any other IRI column shows its last segment (``…/initiative/waste-sorting`` →
  ``waste-sorting``); ``iris=True`` keeps full IRIs;
* the table fits ``width`` display columns (CJK characters count two): long text such as
  quotes is wrapped inside its column, short codes and numbers are never broken;
* ``color=False`` gives plain ASCII rules and no escape codes (for pipes and files).

Rendering uses ``rich``, which measures East Asian wide characters correctly.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Sequence
from typing import Any

from meihao_kg.query.saved import QueryResult

__all__ = ["DEFAULT_WIDTH", "readable_columns", "render_table", "short_id", "terminal_width"]

DEFAULT_WIDTH = 120
_NAME_COLUMNS = ("name", "label", "label_zh", "title")
_LONG_COLUMNS = ("quote", "sentence", "projects", "description", "summary")


def terminal_width(is_tty: bool) -> int:
    """The terminal's width when writing to one; else ``$COLUMNS``; else 120."""
    env = os.environ.get("COLUMNS", "")
    if is_tty:
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return int(env) if env.isdigit() and int(env) > 20 else DEFAULT_WIDTH


def _is_iri(value: str) -> bool:
    return value.startswith(("http://", "https://", "urn:"))


def short_id(value: str) -> str:
    """The last path or fragment segment of an IRI; other values unchanged."""
    if not _is_iri(value):
        return value
    tail = value.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
            break
    return tail or value


def readable_columns(res: QueryResult, *, iris: bool = False) -> QueryResult:
    """Drop IRI columns that a name column follows and shorten the other IRIs."""
    if iris or not res.rows:
        return res
    cols = list(res.columns)
    iri_cols = [
        i for i in range(len(cols))
        if all(_is_iri(r[i]) or not r[i] for r in res.rows) and any(r[i] for r in res.rows)
    ]
    drop = {i for i in iri_cols if i + 1 < len(cols) and cols[i + 1].startswith(_NAME_COLUMNS)}
    keep = [i for i in range(len(cols)) if i not in drop]
    rows = tuple(tuple(short_id(r[i]) if i in iri_cols else r[i] for i in keep) for r in res.rows)
    return QueryResult(tuple(cols[i] for i in keep), rows)


def _plain_box() -> Any:
    from rich.box import Box

    return Box("    \n    \n -  \n    \n    \n -  \n    \n    \n", ascii=True)


def render_table(
    res: QueryResult,
    *,
    width: int = DEFAULT_WIDTH,
    color: bool = False,
    iris: bool = False,
    footer: bool = True,
) -> str:
    """``res`` as a table at most ``width`` columns wide (see the module docstring)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    shown = readable_columns(res, iris=iris)
    table = Table(
        box=box.SIMPLE_HEAD if color else _plain_box(),
        header_style="bold" if color else "",
        show_edge=False,
        pad_edge=False,
        expand=False,
    )
    for name, values in zip(shown.columns, _columns(shown), strict=False):
        longest = max((len(v) for v in values), default=0)
        long_text = name.startswith(_LONG_COLUMNS) or longest > 24
        table.add_column(
            name,
            overflow="fold",
            no_wrap=not long_text,
            min_width=min(max(len(name), 4), 12) if long_text else None,
            ratio=1 if long_text else None,
        )
    for row in shown.rows:
        table.add_row(*(c.replace("\n", " ") for c in row))
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    console.print(table)
    lines = [line.rstrip() for line in buf.getvalue().splitlines()]
    while lines and not lines[0].strip():
        lines.pop(0)
    text = "\n".join(lines).rstrip("\n") + "\n"
    if footer:
        n = len(res.rows)
        text += f"({n} row{'s' if n != 1 else ''})\n"
    return text


def _columns(res: QueryResult) -> Sequence[list[str]]:
    return [[r[i] for r in res.rows] for i in range(len(res.columns))]
