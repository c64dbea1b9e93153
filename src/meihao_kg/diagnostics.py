"""Diagnostics: the one route for a build's warnings and errors.

Every stage that finds something a user should know (a source that is not UTF-8, damaged
text, a source with no projects, a renamed file…) returns a :class:`Diagnostic`; the build
collects them on :class:`~meihao_kg.pipeline.BuildReport`.  Nothing is logged on the side,
so each finding is reported once.  ``code`` is a stable key for programs and for folding
repeated warnings into one line; ``message`` is the sentence for people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["CODES", "Diagnostic", "FoldedDiagnostics", "fold"]

Severity = Literal["error", "warning"]

#: every code a build emits, with the short title its folded line uses
CODES: dict[str, str] = {
    "missing-path": "no such file or folder",
    "no-sources": "no source files in a folder",
    "unreadable": "source not read",
    "encoding": "not UTF-8",
    "no-projects": "no project sections",
    "damaged-text": "damaged text",
    "repaired-place": "place name missing a character",
    "repeated-number": "project number repeated",
    "replaces-source": "source replaced",
    "renamed-source": "source renamed",
    "same-content": "same content as another source",
    "not-about-compounds": "not about compounds",
    "source-kind": "source kind",
}


@dataclass(frozen=True)
class Diagnostic:
    """One finding: its severity, stable code, the sentence, and where (file, line)."""

    severity: Severity
    code: str
    message: str
    path: str = ""
    line: int | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown diagnostic code {self.code!r}")

    @property
    def where(self) -> str:
        """``file:line``, ``file`` or empty."""
        if self.path and self.line is not None:
            return f"{self.path}:{self.line}"
        return self.path

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    @classmethod
    def warning(cls, code: str, message: str, path: str = "", line: int | None = None) -> Diagnostic:
        return cls("warning", code, message, path, line)

    @classmethod
    def error(cls, code: str, message: str, path: str = "", line: int | None = None) -> Diagnostic:
        return cls("error", code, message, path, line)


@dataclass(frozen=True)
class FoldedDiagnostics:
    """Diagnostics of one code, folded into one line."""

    code: str
    items: tuple[Diagnostic, ...]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def title(self) -> str:
        return CODES[self.code]

    def summary(self) -> str:
        if self.count == 1:
            return str(self.items[0])
        files = list(dict.fromkeys(d.path for d in self.items if d.path))
        place = files[0] if len(files) == 1 else f"{len(files)} files"
        return f"{self.title} ×{self.count} in {place}"


def fold(diagnostics: Iterable[Diagnostic]) -> list[FoldedDiagnostics]:
    """Group diagnostics by code, in order of first appearance; each once (duplicates dropped)."""
    groups: dict[str, list[Diagnostic]] = {}
    for d in dict.fromkeys(diagnostics):
        groups.setdefault(d.code, []).append(d)
    return [FoldedDiagnostics(code, tuple(items)) for code, items in groups.items()]
