"""A typed Python API for notebooks and scripts.

::

    from meihao_kg import KG

    kg = KG.open(".meihao-kg")                  # or KG.build(["my-articles/"], store="kg")
    rows = kg.projects_by_initiative("吹哨报到")   # Rows[ProjectRow]
    rows[0].name, rows[0].city                  # typed fields
    kg.indicators(project="沿海鉴筑").to_pandas()  # a DataFrame (needs pandas)
    kg.graph()                                  # rdflib Dataset (named graphs kept)
    kg.networkx("similarity")                   # networkx graph of a projection
    kg.view(focus="沿海鉴筑")                     # the interactive view, inline in Jupyter

Each saved query has a method with its parameters as keyword arguments and rows as frozen
dataclasses (numbers as ``int``/``float``, missing values as ``None``); :meth:`KG.query` runs
any saved query or ``.rq`` file and gives rows as dicts.  A value that names nothing the graph
knows raises :class:`~meihao_kg.errors.QueryError` with close valid values in its ``hint``.
"""

from __future__ import annotations

import dataclasses
import html
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from meihao_kg.errors import QueryError, StoreError
from meihao_kg.store.local import KGStore

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from rdflib import Dataset

    from meihao_kg.pipeline import BuildReport
    from meihao_kg.query.explain import ExplainedFact
    from meihao_kg.query.saved import QueryResult
    from meihao_kg.view.source import ViewSource

__all__ = [
    "KG",
    "DateRow",
    "IndicatorRow",
    "InitiativeRow",
    "InitiativeStatRow",
    "OrganisationRow",
    "ProjectOrganisationRow",
    "ProjectPlaceRow",
    "ProjectRow",
    "Rows",
    "View",
]

Projection = Literal["entities", "similarity"]
R = TypeVar("R")


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class ProjectRow:
    """``projects-by-initiative``: a project, its showcase number and city."""

    project: str
    name: str
    number: int | None
    city: str | None


@dataclass(frozen=True)
class ProjectPlaceRow:
    """``projects-in-place``."""

    project: str
    name: str
    city: str | None
    district: str | None


@dataclass(frozen=True)
class IndicatorRow:
    """``indicators``: a figure in base units with its unit, qualifier and quote."""

    project: str
    name: str
    indicator: str
    value: float
    unit: str
    qualifier: str
    quote: str


@dataclass(frozen=True)
class DateRow:
    """``project-dates``: an event at the precision the text gives (``2011-10``)."""

    project: str
    name: str
    event: str
    date: str
    quote: str


@dataclass(frozen=True)
class ProjectOrganisationRow:
    """``project-organisations``."""

    organisation: str
    name: str
    type: str
    quote: str


@dataclass(frozen=True)
class InitiativeRow:
    """``project-initiatives``: asserted initiative types (no facet roll-up)."""

    initiative: str
    label_zh: str
    label_en: str
    quote: str


@dataclass(frozen=True)
class InitiativeStatRow:
    """``initiative-stats``: projects with this type exactly, and counting narrower types."""

    initiative: str
    label_zh: str
    label_en: str
    projects: int
    projects_with_narrower: int


@dataclass(frozen=True)
class OrganisationRow:
    """``organisations``: ``projects`` are the names of the projects served, joined by 、."""

    organisation: str
    name: str
    type: str
    projects: str


class Rows(Sequence[R], Generic[R]):
    """An immutable list of result rows with its column names and ``to_pandas()``."""

    def __init__(self, columns: Sequence[str], rows: Sequence[R]) -> None:
        self.columns: tuple[str, ...] = tuple(columns)
        self._rows: tuple[R, ...] = tuple(rows)

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> Rows[R]: ...

    def __getitem__(self, index: int | slice) -> R | Rows[R]:
        if isinstance(index, slice):
            return Rows(self.columns, self._rows[index])
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[R]:
        return iter(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self.columns == other.columns and self._rows == other._rows
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.columns, self._rows))

    def __repr__(self) -> str:
        return f"Rows({len(self._rows)} × {', '.join(self.columns)})"

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as plain dicts (column → value)."""
        return [_as_dict(r, self.columns) for r in self._rows]

    def to_pandas(self) -> pd.DataFrame:
        """A pandas DataFrame with one column per result column (needs ``pandas``)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise QueryError("to_pandas() needs pandas", hint="pip install pandas") from None
        return pd.DataFrame(self.dicts(), columns=list(self.columns))

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(d[c]))}</td>" for c in self.columns) + "</tr>"
            for d in self.dicts()[:200]
        )
        more = f"<p>… {len(self) - 200} more rows</p>" if len(self) > 200 else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _as_dict(row: Any, columns: Sequence[str]) -> dict[str, Any]:
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return dataclasses.asdict(row)
    return dict(row)


def _int(text: str) -> int | None:
    try:
        return int(float(text)) if text != "" else None
    except ValueError:
        return None


def _float(text: str) -> float:
    return float(text) if text != "" else float("nan")


def _opt(text: str) -> str | None:
    return text or None


# --------------------------------------------------------------------------- the view


class View:
    """A rendered network view: shown inline by Jupyter, or saved as one offline HTML file."""

    def __init__(self, html_text: str, *, title: str, nodes: int, edges: int, height: str = "640px") -> None:
        self.html = html_text
        self.title = title
        self.nodes = nodes
        self.edges = edges
        self.height = height

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page (UTF-8) and return its path."""
        from meihao_kg.view.render import write_html

        return write_html(self.html, Path(path))

    def _repr_html_(self) -> str:
        # An iframe keeps the page's script and styles apart from the notebook's.
        doc = html.escape(self.html, quote=True)
        return (f'<iframe srcdoc="{doc}" title="{html.escape(self.title)}" '
                f'style="width:100%;height:{html.escape(self.height)};border:1px solid #ddd"></iframe>')

    def __repr__(self) -> str:
        return f"View({self.title!r}: {self.nodes} nodes, {self.edges} edges)"


# --------------------------------------------------------------------------- the graph


class KG:
    """A knowledge graph opened for reading: saved queries, RDF, networkx and the view."""

    def __init__(self, store: KGStore, *, location: str = "") -> None:
        self.store = store
        self.location = location

    # ---- opening

    @classmethod
    def open(cls, store: str | os.PathLike[str] | None = None, *, endpoint: str | None = None) -> KG:
        """Open a store folder read-only (default ``$MEIHAO_KG_STORE`` or ``./.meihao-kg``).

        ``endpoint`` (a SPARQL 1.1 endpoint URL) is reserved for reading a graph served by
        ``meihao-kg serve``; until that lands it raises :class:`StoreError`.
        """
        if endpoint is not None:
            raise StoreError(f"{endpoint}: reading a SPARQL endpoint is not available yet",
                             hint="open a store folder: KG.open('path/to/store')")
        from meihao_kg.store.local import open_store, store_path

        return cls(open_store(store), location=str(store_path(store)))

    @classmethod
    def build(
        cls,
        paths: Sequence[str | os.PathLike[str]] | None = None,
        *,
        store: str | os.PathLike[str] | None = None,
        validate: bool = True,
        curation: str | os.PathLike[str] | None = None,
    ) -> KG:
        """Build sources (files or folders; default ``data/raw/``) into ``store`` and open it."""
        report = cls.build_report(paths, store=store, validate=validate, curation=curation)
        return cls.open(report.store)

    @staticmethod
    def build_report(
        paths: Sequence[str | os.PathLike[str]] | None = None,
        *,
        store: str | os.PathLike[str] | None = None,
        validate: bool = True,
        curation: str | os.PathLike[str] | None = None,
    ) -> BuildReport:
        """Build like :meth:`build` and return the :class:`~meihao_kg.pipeline.BuildReport`."""
        from meihao_kg.pipeline import build_kg

        return build_kg([Path(p) for p in paths] if paths else None,
                        store=None if store is None else Path(store), validate=validate,
                        curation=None if curation is None else Path(curation))

    def __repr__(self) -> str:
        return f"KG({self.location!r})"

    def close(self) -> None:
        """Release the store (a build may then collect the database folder it was reading)."""
        close = getattr(self.store, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> KG:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- generic queries

    def result(self, name_or_path: str | os.PathLike[str], params: Mapping[str, str] | None = None, *,
               limit: int | None = None, offset: int = 0) -> QueryResult:
        """The raw result (string cells) of a saved query or ``.rq`` file; with ``limit``, that
        many rows from row ``offset`` (``.more``: whether rows follow)."""
        from meihao_kg.query.hints import unmatched_params
        from meihao_kg.query.saved import find_query, run_query

        values = dict(params or {})
        res = run_query(self.store, find_query(str(name_or_path)), values, limit=limit, offset=offset)
        if not res.rows and values and not offset:
            problems = unmatched_params(self.store, values)
            if problems:
                raise problems[0]
        return res

    def query(self, name_or_path: str | os.PathLike[str], params: Mapping[str, str] | None = None,
              **kwparams: str) -> Rows[dict[str, str]]:
        """Any saved query or ``.rq`` file; rows as dicts of strings.

        Parameters come as a mapping or as keyword arguments: ``kg.query("indicators",
        project="沿海鉴筑")``.
        """
        res = self.result(name_or_path, {**(params or {}), **kwparams})
        return Rows(res.columns, [dict(zip(res.columns, r, strict=False)) for r in res.rows])

    def sparql(self, text: str) -> Rows[dict[str, str]]:
        """Run SPARQL text (SELECT) against the graph; rows as dicts of strings."""
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "query.rq"
            path.write_text(text, encoding="utf-8")
            return self.query(path)

    def _typed(self, name: str, params: Mapping[str, str | None], make: Callable[..., R]) -> Rows[R]:
        res = self.result(name, {k: v for k, v in params.items() if v is not None})
        return Rows(res.columns, [make(*r) for r in res.rows])

    # ---- the saved queries, typed

    def projects_by_initiative(self, initiative: str) -> Rows[ProjectRow]:
        """Projects carrying out an initiative (part of a label or notation; a facet such as
        党建引领 also finds narrower types)."""
        return self._typed("projects-by-initiative", {"initiative": initiative},
                           lambda p, n, num, c: ProjectRow(p, n, _int(num), _opt(c)))

    def projects_in_place(self, place: str) -> Rows[ProjectPlaceRow]:
        """Projects in a place at any level: 辽宁, 沈阳市, 甘井子区, 桓仁."""
        return self._typed("projects-in-place", {"place": place},
                           lambda p, n, c, d: ProjectPlaceRow(p, n, _opt(c), _opt(d)))

    def indicators(self, project: str | None = None, indicator: str | None = None) -> Rows[IndicatorRow]:
        """Figures in base units, optionally of one project and/or one indicator notation."""
        return self._typed("indicators", {"project": project, "indicator": indicator},
                           lambda p, n, i, v, u, q, quote: IndicatorRow(p, n, i, _float(v), u, q, quote))

    def project_dates(self, project: str | None = None) -> Rows[DateRow]:
        """Dated events (first occupancy, founding of the owners' committee …)."""
        return self._typed("project-dates", {"project": project}, DateRow)

    def project_organisations(self, project: str) -> Rows[ProjectOrganisationRow]:
        """Organisations serving, guiding, approving or reporting on a project."""
        return self._typed("project-organisations", {"project": project}, ProjectOrganisationRow)

    def project_initiatives(self, project: str) -> Rows[InitiativeRow]:
        """A project's initiatives as asserted in the sources (no facet roll-up)."""
        return self._typed("project-initiatives", {"project": project}, InitiativeRow)

    def initiative_stats(self) -> Rows[InitiativeStatRow]:
        """Projects per initiative type: direct and counting narrower types."""
        return self._typed("initiative-stats", {},
                           lambda i, z, e, n, m: InitiativeStatRow(i, z, e, _int(n) or 0, _int(m) or 0))

    def organisations(self, type: str | None = None) -> Rows[OrganisationRow]:  # noqa: A002
        """Every organisation with its most specific type code, optionally one type only."""
        return self._typed("organisations", {"type": type}, OrganisationRow)

    def explain(self, project: str, fact: str | None = None) -> list[ExplainedFact]:
        """A project's facts with quote, character span and sentence."""
        from meihao_kg.query.explain import explain_project

        return explain_project(self.store, project, fact)

    # ---- RDF, networkx and the view

    def graph(self, *, inferred: bool = True, ontology: bool = True) -> Dataset:
        """The whole graph as an rdflib Dataset (one named graph per source, ontology,
        inferred)."""
        from meihao_kg.export.writers import store_dataset

        return store_dataset(self.store, inferred=inferred, ontology=ontology)  # type: ignore[arg-type]

    def networkx(self, projection: Projection = "entities", *, focus: str | None = None,
                 depth: int = 1) -> nx.Graph:
        """A networkx projection: ``"entities"`` (projects, compounds, places, organisations,
        initiative types; a ``MultiDiGraph``) or ``"similarity"`` (projects linked by the
        initiative types they share; edge ``weight``).  ``focus`` keeps a node's neighbourhood.
        """
        from meihao_kg.view.source import read_view_source

        return self._projection(read_view_source(self.store), projection, focus, depth)

    @staticmethod
    def _projection(ds: ViewSource, projection: Projection, focus: str | None, depth: int) -> nx.Graph:
        from meihao_kg.view import projection as proj
        from meihao_kg.view.lookup import neighbourhood

        if projection == "entities":
            g: nx.Graph = proj.project_graph(ds)
        elif projection == "similarity":
            g = proj.similarity_graph(ds)
        else:
            raise QueryError(f"unknown projection {projection!r}", hint="entities or similarity")
        if focus:
            g = neighbourhood(g, focus, depth)
        return g

    def view(self, projection: Projection = "entities", *, focus: str | None = None, depth: int = 1,
             title: str | None = None, lang: Literal["zh", "en"] = "zh", height: str = "640px") -> View:
        """The interactive view of a projection; displays inline in Jupyter, ``.save(path)``
        writes the offline HTML file."""
        from meihao_kg.view.render import render_html
        from meihao_kg.view.source import read_view_source
        from meihao_kg.view.viewdata import anchor_layout, attach_similar, enrich

        source = read_view_source(self.store)
        g = self._projection(source, projection, focus, depth)
        positions = None
        if projection == "entities":
            enrich(source, g)
        del source  # the page is made from the projection alone
        if projection == "entities":
            positions = anchor_layout(g) if g.number_of_nodes() <= 2000 else None
        else:
            attach_similar(g, g)
        if title is None:
            title = f"{focus} (depth {depth})" if focus else "美好家园知识图谱 | meihao-kg"
        page = render_html(g, title=title, lang=lang, height="100vh", positions=positions)
        return View(page, title=title, nodes=g.number_of_nodes(), edges=g.number_of_edges(), height=height)
