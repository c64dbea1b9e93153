"""Errors raised by meihao-kg.  The library raises; only ``cli.py`` turns them into messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meihao_kg.graph.violations import ValidationReport

__all__ = [
    "CurationError",
    "InputError",
    "MeihaoError",
    "QueryError",
    "ShapeLoadError",
    "StoreError",
    "StoreLockedError",
    "ValidationError",
]


class MeihaoError(Exception):
    """Base class of every error meihao-kg raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class InputError(MeihaoError):
    """A source file cannot be read: missing, empty, binary or in an unknown encoding."""


class StoreError(MeihaoError):
    """The store is missing, locked or damaged."""


class StoreLockedError(StoreError):
    """Another build holds the store's lock (raised only when not waiting for it)."""


class QueryError(MeihaoError):
    """A saved query is unknown, malformed, or got bad parameters."""


class ShapeLoadError(MeihaoError):
    """The ontology or the SHACL shapes could not be loaded."""


class ValidationError(MeihaoError):
    """Data does not conform to the shapes (raised where a conforming graph is required).

    ``report`` holds the :class:`~meihao_kg.graph.violations.ValidationReport` when there is one.
    """

    def __init__(self, message: str, *, hint: str | None = None, report: ValidationReport | None = None) -> None:
        super().__init__(message, hint=hint)
        self.report = report


class CurationError(MeihaoError):
    """The curation file is malformed."""

