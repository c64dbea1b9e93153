"""The ``meihao-kg`` command line.  The only module that imports click.

Each command parses its options, calls one library function and formats the result.
Heavy libraries are imported inside the commands so that ``--help`` stays fast.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from meihao_kg.errors import MeihaoError
from meihao_kg.export.formats import FORMATS as EXPORT_FORMATS
from meihao_kg.store.local import DEFAULT_STORE, STORE_ENV

F = TypeVar("F", bound=Callable[..., Any])

STORE_HELP = f"Store folder (default: ./{DEFAULT_STORE}, or ${STORE_ENV})."


def _store_option(f: F) -> F:
    return click.option("--store", "store", envvar=STORE_ENV, type=click.Path(file_okay=False),
                        default=None, help=STORE_HELP)(f)


def _quiet_broken_pipe() -> None:
    """The reader went away (``| head``): stop quietly with status 0."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (e.g. a test runner's buffer)
        pass
    sys.exit(0)


def _error_line(exc: MeihaoError) -> str:
    """``Error: message (hint)`` on one line; "Error" in red at a terminal."""
    return click.style("Error", fg="red", bold=True) + f": {exc}"


ENDPOINT_HELP = ("Read from this SPARQL 1.1 query endpoint instead of the local store "
                 "(or $MEIHAO_KG_ENDPOINT).")


def _endpoint_option(f: F) -> F:
    return click.option("--endpoint", "endpoint", envvar="MEIHAO_KG_ENDPOINT", default=None,
                        metavar="URL", help=ENDPOINT_HELP)(f)


def _open(store: str | None, endpoint: str | None) -> Any:
    """The local store, or the remote one when an endpoint is given."""
    if endpoint:
        from meihao_kg.store.remote import EndpointStore

        return EndpointStore(endpoint)
    from meihao_kg.store.local import open_store

    return open_store(store)


def _errors(f: F) -> F:
    """Turn library errors into one-line messages (no tracebacks); a closed pipe ends quietly."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except BrokenPipeError:
            _quiet_broken_pipe()
        except MeihaoError as exc:
            click.echo(_error_line(exc), err=True)
            sys.exit(1)
        except OSError as exc:  # e.g. an --out file that cannot be written
            name = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{name}{exc.strerror or exc}") from None

    return wrapper  # type: ignore[return-value]


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        key, sep, value = v.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {v!r}", param_hint="--param")
        out[key.strip()] = value
    return out


class _WarningHandler(logging.Handler):
    """Warnings the library logs outside a build (the server's), on stderr.  A build's own
    findings come back as diagnostics on its report, never through the log."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


class _Group(click.Group):
    """Every command: a reader that closes the pipe early (``| head``) ends it quietly."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _quiet_broken_pipe()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="meihao-kg")
def cli() -> None:
    """meihao-kg: a knowledge graph of the 美好家园 showcase residential compounds.

    \b
    Build the graph from source articles, then ask it questions:
      meihao-kg build                      # data/raw/ → ./.meihao-kg
      meihao-kg query projects-by-initiative --param initiative=1+1+1
      meihao-kg explain 沿海鉴筑 --fact 收缴率
      meihao-kg viz --out out/kg.html      # one offline HTML file

    Every command that reads the graph takes --store DIR (or $MEIHAO_KG_STORE).
    """
    handler = _WarningHandler()
    handler.setLevel(logging.WARNING)
    logging.getLogger("meihao_kg").addHandler(handler)
    logging.getLogger("meihao_kg").propagate = False


# ----------------------------------------------------------------------------- build

@cli.command(short_help="Build the graph from source articles.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_store_option
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (not recommended).")
@click.option("--keep-invalid", is_flag=True,
              help="Swap in a build that has SHACL violations anyway (for inspection).")
@click.option("--curation", type=click.Path(dir_okay=False), default=None,
              help="Curation decisions (default: data/curation.toml if present).")
@click.option("--no-wait", is_flag=True,
              help="Fail at once (exit 1) if another build is writing the store, instead of waiting.")
@click.option("--max-source-size", type=click.FloatRange(min=0.001), default=None, metavar="MIB",
              help="Refuse source files larger than this many MiB (default: 1).")
@click.option("--force", is_flag=True, help="Rebuild sources even when they have not changed.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes for reading sources (default: the number of CPUs).")
@click.option("--kind", type=click.Choice(["instalment", "report", "list", "other"]), default=None,
              help="Read every source as this kind instead of guessing it (series instalment, "
                   "news report, list, not about compounds).")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True,
              help="Print every warning (by default folded by kind), every source (by default one line"
                   " above 20 sources) and the peak memory of the build.")
@_errors
def build(paths: tuple[Path, ...], store: str | None, no_validate: bool, keep_invalid: bool,
          curation: str | None, no_wait: bool, max_source_size: float | None, force: bool,
          jobs: int | None, kind: str | None, quiet: bool, verbose: bool) -> None:
    """Build the knowledge graph from source articles.

    PATHS are files or folders of UTF-8 text articles (default: data/raw/).  Each source
    goes into its own named graph; rebuilding a source replaces exactly its facts and keeps
    the others.  The new graph is validated before it replaces the store: on violations
    the previous store is kept, the report is printed and the exit status is 1.  Warnings
    of one kind (damaged text, …) are folded into one line; -v prints each.

    Each source is classified: a series instalment (numbered project sections), a news
    report about named compounds, a list of compounds, or a text not about compounds
    (criteria, tallies, policy).  The kind and why are recorded on the source (`info` shows
    them); --kind reads every source as the kind given.  A text not about compounds builds
    no compound: alone it is refused with its reason, in a folder it is a warning and the
    rest builds (its tallies of selected compounds are kept).

    A source whose bytes have not changed since it was built (by the same version, ontology
    and curation) is skipped; --force rebuilds it.  Many sources are read in parallel
    (--jobs, default: one process per CPU).

    One build writes a store at a time: a second build waits for the first (or, with
    --no-wait, exits 1 naming the first one's pid).  Queries are never blocked and see the
    previous graph until the new one is swapped in.

    \b
    Example:
      meihao-kg build
      meihao-kg build data/raw/000_c1cc9ca213bfcef2.txt --store /tmp/kg
      meihao-kg build my-articles/ -v
      meihao-kg build news/report.txt --kind report
    """
    from meihao_kg.errors import ValidationError
    from meihao_kg.pipeline import build_kg

    progress = _build_progress(quiet=quiet, verbose=verbose)
    try:
        report = build_kg(list(paths) or None, store=store, validate=not no_validate,
                          keep_invalid=keep_invalid, curation=curation, wait=not no_wait,
                          on_wait=_say_waiting, progress=progress, force=force, jobs=jobs, kind=kind,
                          max_source_bytes=int(max_source_size * 1048576) if max_source_size else None)
    except ValidationError as exc:
        from meihao_kg.graph.violations import report_text

        if exc.report is not None:
            click.echo(report_text(exc.report), err=True)
        raise click.ClickException(str(exc)) from None
    finally:
        if progress is not None:
            progress.close()
    if not quiet:
        from meihao_kg.diagnostics import fold
        from meihao_kg.extract.source import REFUSAL_CODES

        refused = [w for w in report.warnings if w.code in REFUSAL_CODES]
        for w in refused:  # one line per source that gave nothing to build, never folded
            click.echo(click.style("warning", fg="yellow") + f": {w}", err=True)
        warnings = [w for w in report.warnings if w not in refused]
        if verbose:
            for w in warnings:
                click.echo(click.style("warning", fg="yellow") + f": {w}", err=True)
        else:
            for fw in fold(warnings):
                more = " (-v for each)" if fw.count > 1 else ""
                click.echo(click.style("warning", fg="yellow") + f": {fw.summary()}{more}", err=True)
    for e in report.errors:
        click.echo(f"error: {e}", err=True)
    if not quiet:
        if verbose or len(report.sources) <= LIST_SOURCES:
            for s in report.sources:
                if s.kind == "instalment":
                    click.echo(f"{s.path}: {s.projects} projects, {s.triples} triples")
                else:
                    click.echo(f"{s.path}: {_KIND_LABELS.get(s.kind, s.kind)}, {s.projects} compounds, "
                               f"{s.triples} triples")
        else:  # thousands of sources: one line (-v lists each)
            click.echo(f"{len(report.sources)} sources built: {sum(s.projects for s in report.sources)} "
                       f"projects, {sum(s.triples for s in report.sources)} triples (-v lists each)")
        if report.unchanged:
            click.echo(f"{len(report.unchanged)} source(s) unchanged since they were built, skipped"
                       " (--force rebuilds them)")
        status = "validated" if report.validation is not None else "not validated"
        if not report.sources:
            status = "unchanged"
        if report.kept_invalid:
            status = "INVALID, kept because of --keep-invalid"
        click.echo(f"store {report.store}: {report.triples} quads ({status}) in {report.seconds:.2f} s")
        if verbose:
            click.echo(f"peak memory {report.peak_memory_mib:.0f} MiB")
    if report.errors:
        sys.exit(1)


_KIND_LABELS = {"instalment": "series instalment", "report": "news report", "list": "list",
                "other": "not about compounds"}
LIST_SOURCES = 20  # a build of more sources sums them up in one line unless -v


class _Progress:
    """Build progress on stderr: a transient bar at a terminal (files, projects so far, rate,
    time left), one line per step with -v."""

    def __init__(self, *, bar: bool, lines: bool) -> None:
        self._lines = lines
        self._bar: Any = None
        self._task: Any = None
        if bar:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[projects]}"), TextColumn("{task.fields[rate]}"),
                                 TimeRemainingColumn(), TextColumn("{task.fields[item]}"),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()

    def __call__(self, step: str, done: int, total: int, item: str = "", projects: int | None = None) -> None:
        found = f"{projects} projects" if projects is not None else ""
        if self._lines:
            click.echo(" ".join(x for x in (step, f"{done}/{total}", found, item) if x), err=True)
        if self._bar is not None:
            task = next((t for t in self._bar.tasks if t.id == self._task), None)
            if task is None or task.description != step:
                if task is not None:
                    self._bar.remove_task(task.id)
                self._task = self._bar.add_task(step, total=total, item=item, projects=found, rate="")
                task = next(t for t in self._bar.tasks if t.id == self._task)
            rate = f"{task.speed:.1f} files/s" if task.speed else ""
            self._bar.update(self._task, completed=done, total=total, item=item, projects=found, rate=rate)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _build_progress(*, quiet: bool, verbose: bool) -> _Progress | None:
    if quiet:
        return None
    tty = sys.stderr.isatty()
    return _Progress(bar=tty and not verbose, lines=verbose)


def _say_waiting(holder: int | None) -> None:
    who = f"pid {holder}" if holder else "another process"
    click.echo(f"waiting for the build of {who} to finish writing the store…", err=True)


# ----------------------------------------------------------------------------- query

TABLE_ROWS = 100  # rows a query's table shows unless told

@cli.command(short_help="Run a saved query or a .rq file.")
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True)
@click.option("--iri", "iris", is_flag=True,
              help="Table: keep full IRIs (by default names and short ids; csv/json always have IRIs).")
@click.option("--list", "list_", is_flag=True, help="List the saved queries and their parameters.")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help=f"Rows to show (table: {TABLE_ROWS} by default; csv/tsv/json: every row).")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Rows to skip first (0 = from the first row).")
@click.option("--all", "all_rows", is_flag=True, help="Every row, in the table too.")
@click.option("--allow-service", is_flag=True,
              help="Let a query's SERVICE clause call another server (refused by default).")
@_store_option
@_endpoint_option
@_errors
def query(name: str | None, params: tuple[str, ...], fmt: str, iris: bool, list_: bool, limit: int | None,
          offset: int, all_rows: bool, allow_service: bool, store: str | None, endpoint: str | None = None) -> None:
    """Run a saved query (queries/NAME.rq) or any .rq file.

    Parameter values are bound as RDF terms, never pasted into the query.  Names of
    projects and places may be Simplified or Traditional, with or without 小区/市/区.
    The table fits the terminal (long quotes wrap) and shows names instead of IRIs; use
    --format csv/json or --iri for IRIs.  A value that names nothing the graph knows
    (an indicator, type, initiative, place or project) is an error listing close values.
    SELECT and ASK queries run; updates are refused, and so is SERVICE (a request to
    another server) unless --allow-service is given.

    The table shows the first 100 rows and says how to see more (--offset 100, --all);
    csv, tsv and json give every row unless --limit is given.  A listing such as
    indicators or organisations finds only the rows it shows, so a page of a large store
    comes at once; every row of it takes longer.

    \b
    Example:
      meihao-kg query --list
      meihao-kg query projects-by-initiative --param initiative=吹哨报到
      meihao-kg query projects-in-place -p place=沈阳 --format csv
      meihao-kg query indicators -p project=沿海鑒筑 -p indicator=households
      meihao-kg query organisations --offset 100
      meihao-kg query indicators --format csv > indicators.csv
      meihao-kg query my-question.rq -p project=沿海鉴筑
    """
    from meihao_kg.query.saved import find_query, format_result, list_queries, run_query

    if list_ or not name:
        for q in list_queries():
            ps = " ".join(f"{p.name}=…" if p.required else f"[{p.name}=…]" for p in q.params)
            click.echo(f"{q.name:<24} {q.title_zh} | {q.title_en}" + (f"\n{'':<24} params: {ps}" if ps else ""))
        return
    q = find_query(name)
    values = _params(params)
    st = _open(store, endpoint)
    if all_rows:
        limit = None
    elif limit is None and fmt == "table":
        limit = TABLE_ROWS
    result = run_query(st, q, values, allow_service=allow_service, limit=limit, offset=offset)
    if not result.rows and values:
        from meihao_kg.query.hints import unmatched_params

        problems = unmatched_params(st, values)
        if problems:
            for exc in problems:
                click.echo(_error_line(exc), err=True)
            sys.exit(1)
    if fmt == "table":
        from meihao_kg.query.tables import render_table, terminal_width

        tty = sys.stdout.isatty()
        click.echo(render_table(result, width=terminal_width(tty), color=tty, iris=iris), nl=False)
    else:
        click.echo(format_result(result, fmt), nl=False)
    if result.more:
        shown = f"rows {offset + 1}–{offset + len(result.rows)}" if result.rows else "no rows"
        click.echo(f"{shown} shown; more follow: --offset {offset + len(result.rows)} for the next, "
                   "--all for every row", err=True)


# ----------------------------------------------------------------------------- export

@cli.command(short_help="Export as Turtle, JSON-LD, N-Quads and more, GraphML or GEXF.")
@click.option("--format", "fmt", default="turtle", show_default=True,
              type=click.Choice([f.name for f in EXPORT_FORMATS]),
              help="; ".join(f"{f.name}: {f.description}" for f in EXPORT_FORMATS) + ".")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file (default: standard output).")
@click.option("--no-inferred", is_flag=True, help="Leave out the inferred graph.")
@click.option("--no-ontology", is_flag=True, help="Leave out the ontology graph.")
@_store_option
@_endpoint_option
@_errors
def export(fmt: str, out: Path | None, no_inferred: bool, no_ontology: bool, store: str | None, endpoint: str | None = None) -> None:
    """Export the graph as Turtle, N-Triples, JSON-LD, TriG or N-Quads (deterministic),
    or its network projection as GraphML/GEXF for Gephi and Cytoscape.

    \b
    Example:
      meihao-kg export --format turtle --out out/kg.ttl
      meihao-kg export --format graphml --out out/kg.graphml
    """
    from meihao_kg.export.formats import export_to

    st = _open(store, endpoint)
    if out is None:
        export_to(st, fmt, sys.stdout.buffer, inferred=not no_inferred, ontology=not no_ontology)
        sys.stdout.buffer.flush()
    else:
        # written as it is made, to a file beside the target that replaces it when complete
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(out.name + ".part")
        try:
            with part.open("wb") as fh:
                export_to(st, fmt, fh, inferred=not no_inferred, ontology=not no_ontology)
            part.replace(out)
        finally:
            part.unlink(missing_ok=True)
        click.echo(f"wrote {out} ({out.stat().st_size} bytes)", err=True)


# ----------------------------------------------------------------------------- info

@cli.command(short_help="Sources, projects, triples and counts by class.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_store_option
@_endpoint_option
@_errors
def info(fmt: str, store: str | None, endpoint: str | None = None) -> None:
    """Sources (with the kind of each: series instalment, news report, list, not about
    compounds, and why), projects, triples and counts by class.

    \b
    Example:
      meihao-kg info
      meihao-kg info --format json --store /tmp/kg
    """
    import dataclasses
    import json

    from meihao_kg.export.writers import store_info

    i = store_info(_open(store, endpoint))
    if fmt == "json":
        click.echo(json.dumps(dataclasses.asdict(i), ensure_ascii=False, indent=2))
        return
    click.echo(f"store:    {i.store}")
    click.echo(f"sources:  {len(i.sources)}")
    kinds = {doc: (k, why) for doc, k, why in i.kinds}
    for doc, title, n in i.sources:
        click.echo(f"  {doc}  {title}  ({n} projects)")
        if doc in kinds:
            k, why = kinds[doc]
            click.echo(f"      kind: {_KIND_LABELS.get(k, k)}" + (f" — {why}" if why else ""))
    click.echo(f"projects: {i.projects}")
    click.echo(f"triples:  {i.triples} distinct ({i.quads} quads in {len(i.graphs)} named graphs)")
    click.echo("classes:")
    for c, n in i.classes:
        click.echo(f"  {n:>6}  {c}")


# ----------------------------------------------------------------------------- validate

@cli.command(short_help="Check the store against the SHACL shapes.")
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text",
              show_default=True)
@_store_option
@_endpoint_option
def validate(fmt: str, store: str | None, endpoint: str | None = None) -> None:
    """Check the store against the SHACL shapes (ontology/shapes.ttl).

    \b
    Exit status:
      0  the data conforms
      1  there are violations (listed with the node's label, the message and the quote)
      2  the data or the shapes could not be loaded

    \b
    Example:
      meihao-kg validate
      meihao-kg validate --format json > report.json
    """
    try:
        from meihao_kg.export.writers import store_dataset
        from meihao_kg.graph.validate import validate_graph, validate_store
        from meihao_kg.graph.violations import report_json, report_text, report_turtle

        opened = _open(store, endpoint)
        raw = getattr(opened, "raw", None)  # a local store: checked graph by graph
        report = (validate_store(raw) if raw is not None
                  else validate_graph(store_dataset(opened, inferred=False)))
    except MeihaoError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(report_json(report))
    elif fmt == "turtle":
        click.echo(report_turtle(report))
    else:
        click.echo(report_text(report))
    if fmt == "text":
        click.echo(f"validated in {report.seconds:.2f} s", err=True)
    sys.exit(0 if report.conforms else 1)


# ----------------------------------------------------------------------------- ontology

@cli.command(short_help="Reference of classes, properties and concepts (zh/en).")
@click.option("--markdown", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the reference as Markdown to this file.")
@_store_option
@_errors
def ontology(out: Path | None, store: str | None) -> None:
    """Print a reference of the classes, properties and concepts (zh and en): indicator
    notations, organisation type codes, event types and initiative types with their facets.

    Without --store it describes the ontology shipped with meihao-kg; with it (or with
    $MEIHAO_KG_STORE naming a built store), the ontology the store was built with.

    \b
    Example:
      meihao-kg ontology | less
      meihao-kg ontology --markdown out/ontology.md
      meihao-kg ontology --store /tmp/kg
    """
    from meihao_kg.graph.ontology import reference_markdown

    graph = None
    from_env = click.get_current_context().get_parameter_source("store") == ParameterSource.ENVIRONMENT
    if store and not (from_env and not (Path(store) / "current").exists()):
        from meihao_kg.graph.ontology_store import stored_ontology
        from meihao_kg.store.local import open_store

        with open_store(store) as st:
            graph = stored_ontology(st)
    text = reference_markdown(graph)
    if out is None:
        click.echo(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


# ----------------------------------------------------------------------------- viz

@cli.command(short_help="Write an offline interactive network view (one HTML file).")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("out/kg.html"),
              show_default=True, help="HTML file to write (UTF-8, self-contained).")
@click.option("--focus", default=None, help="Show the neighbourhood of this project, place, "
              "organisation or initiative (name or IRI).")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(0, 10),
              help="Neighbourhood depth for --focus.")
@click.option("--query", "query_name", default=None, help="Show the graph of a saved query's result.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="Parameter for --query.")
@click.option("--similarity", is_flag=True, help="Projects linked by the initiatives they share.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@_store_option
@_endpoint_option
@_errors
def viz(out: Path, focus: str | None, depth: int, query_name: str | None, params: tuple[str, ...],
        similarity: bool, lang: str, store: str | None, endpoint: str | None = None) -> None:
    """Write an interactive network view as one HTML file that works offline.

    The default view anchors the projects on a circle, their own organisations and places
    outside them and the initiative types they share in between, grouped by facet.  Click a
    node for its facts with quotes and sources and, for a project, the projects most like it;
    filter by class or initiative facet; export PNG or SVG.

    \b
    Example:
      meihao-kg viz --out out/kg.html
      meihao-kg viz --focus 沿海鉴筑 --depth 2 --out yhjz.html
      meihao-kg viz --similarity --out similar.html
      meihao-kg viz --query projects-by-initiative -p initiative=垃圾分类 --out ws.html
    """
    from meihao_kg.view.render import render_html, write_html
    from meihao_kg.view.source import read_view_source

    st = _open(store, endpoint)
    ds = read_view_source(st)  # what a view reads of the union: each fact once
    from meihao_kg.view import projection
    from meihao_kg.view.lookup import neighbourhood

    if query_name:
        from meihao_kg.query.saved import find_query, run_query

        q = find_query(query_name)
        res = run_query(st, q, _params(params))
        G = projection.rows_to_graph([dict(zip(res.columns, r, strict=False)) for r in res.rows], list(res.columns), g=ds)
        title = f"{q.title_zh} ({', '.join(params) or q.name})"
    elif similarity:
        from meihao_kg.view.viewdata import attach_similar

        G = projection.similarity_graph(ds)
        attach_similar(G, G)
        title = "项目相似度:共享举措 | Projects by shared initiatives"
    else:
        from meihao_kg.view.viewdata import enrich

        G = projection.project_graph(ds)
        title = "美好家园知识图谱 | meihao-kg"
        if focus:
            G = neighbourhood(G, focus, depth)
            title = f"{focus} (depth {depth})"
        enrich(ds, G)
    del ds  # what was read of the store: the page is made from the projection alone
    positions = None
    if not query_name and not similarity:
        from meihao_kg.view.viewdata import anchor_layout

        positions = anchor_layout(G) if G.number_of_nodes() <= 2000 else None
    out.parent.mkdir(parents=True, exist_ok=True)
    write_html(render_html(G, title=title, lang=lang, positions=positions), out)
    click.echo(f"wrote {out}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges", err=True)


# ----------------------------------------------------------------------------- explain

@cli.command(short_help="A project's facts with their quotes and sentences.")
@click.argument("project")
@click.option("--fact", default=None, help="Only facts whose label, value or quote contains this text.")
@_store_option
@_endpoint_option
@_errors
def explain(project: str, fact: str | None, store: str | None, endpoint: str | None = None) -> None:
    """Show a project's facts with the quote and its sentence, to check them at the source.

    The sources that name the compound come first, each with its kind (series instalment,
    news report, list); recognitions show their scheme, level, year and conferring body.

    \b
    Example:
      meihao-kg explain 沿海鉴筑
      meihao-kg explain 金盛佳園首府 --fact 满意度
    """
    from meihao_kg.query.explain import explain_project

    st = _open(store, endpoint)
    items = explain_project(st, project, fact)
    if fact and not items:
        import re

        from meihao_kg.errors import QueryError
        from meihao_kg.query.hints import close_matches

        labels = sorted({re.split(r" = | \d|：", i.summary)[0].strip() for i in explain_project(st, project)})
        close = close_matches(fact, labels)
        hint = ("close: " + "、".join(close)) if close else ("its facts: " + "、".join(labels[:12]))
        raise QueryError(f"no fact of {project} mentions {fact!r}", hint=hint)
    if not fact:
        from meihao_kg.query.explain import project_sources

        for src in project_sources(st, project):
            kind = f"{src.kind_label} {src.kind}".strip() or "?"
            click.echo(f"■ 来源 source: {src.doc_id} — {kind}" + (f" ({src.reason})" if src.reason else ""))
    for item in items:
        click.echo(f"■ {item.kind}: {item.summary}")
        click.echo(f"  原文 quote  [{item.doc_id} {item.start}-{item.end}]: {item.quote}")
        click.echo(f"  句子 sentence: {item.sentence}")


# ----------------------------------------------------------------------------- resolve

@cli.command(short_help="Entity merges and near-misses.")
@_store_option
@_errors
def resolve(store: str | None) -> None:
    """Entity resolution report: entities merged under one IRI (with their aliases),
    near-misses that may be the same entity (to merge in data/curation.toml), cross-source
    merges of compounds with their reason, and conflicts that kept like-named compounds apart.

    \b
    Example:
      meihao-kg resolve
      meihao-kg resolve --store /tmp/kg
    """
    from meihao_kg.graph.resolve import resolution_report
    from meihao_kg.store.local import open_store

    r = resolution_report(open_store(store))
    click.echo("merged (one node, several names):")
    for iri, label, aliases in r.merged:
        click.echo(f"  {label}  ←  {'、'.join(aliases)}\n    {iri}")
    click.echo("near-misses (check, then merge in data/curation.toml):")
    for a, b, why in r.near_misses:
        click.echo(f"  {a[1]}  ~  {b[1]}  ({why})\n    {a[0]}\n    {b[0]}")
    if not r.near_misses:
        click.echo("  none")
    click.echo("cross-source merges (one compound in several sources):")
    for iri, name, why in r.cross_source:
        click.echo(f"  {name}: {why}\n    {iri}")
    if not r.cross_source:
        click.echo("  none")
    click.echo("conflicts (names alike, identity facts differ: kept as different compounds):")
    for iri, name, why in r.conflicts:
        click.echo(f"  {name} ≠ {why}\n    {iri}")
    if not r.conflicts:
        click.echo("  none")


# ----------------------------------------------------------------------------- serve

@cli.command(short_help="Read-only SPARQL endpoint (Oxigraph) and browser front end.")
@_store_option
@click.option("--bind", default="127.0.0.1:7878", show_default=True, metavar="HOST:PORT",
              help="Address to listen on (loopback unless you say otherwise).")
@click.option("--timeout", "timeout_s", default=30, show_default=True, type=click.IntRange(1, 3600),
              help="Query timeout in seconds.")
@_errors
def serve(store: str | None, bind: str, timeout_s: int) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint, with a browser front end.

    The endpoint is the Oxigraph server (the `oxigraph` binary, same version as
    pyoxigraph) on the current database, read-only, default graph = union of the named
    graphs.  Same address: / (saved queries as forms, no SPARQL needed), /project?iri=…,
    /sparql (SPARQL editor), /query (the endpoint).  A build while serving is picked up:
    Oxigraph is restarted on the new database without the address going down.
    Ctrl-C stops it.

    \b
    Example:
      meihao-kg serve                      # http://127.0.0.1:7878/
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' \\
           http://127.0.0.1:7878/query
    """
    from meihao_kg.serve.server import Server, is_loopback
    from meihao_kg.store.local import store_path

    server = Server(store_path(store), bind=bind, timeout_s=timeout_s)
    if not is_loopback(server.host):
        click.echo(f"warning: listening on {server.host}, not loopback: anyone who can reach this "
                   "machine can read the graph", err=True)
    import signal

    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        server.start()
        _warn_outdated(store_path(store))
        click.echo(f"serving {store_path(store)} (oxigraph {server.version}, read-only) at {server.url}", err=True)
        click.echo(f"  SPARQL endpoint: {server.url}query   front end: {server.url}   Ctrl-C stops", err=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    click.echo("stopped", err=True)


def _warn_outdated(root: Path) -> None:
    """Warn when the store was built by an older version: the saved queries that read what
    it lacks would miss rows through the endpoint (locally they are refused)."""
    from meihao_kg.query.saved import outdated_parts
    from meihao_kg.store.local import open_store

    with open_store(root) as st:
        parts = list(dict.fromkeys(outdated_parts(st).values()))
    if parts:
        click.echo(f"warning: this store was built without its {' and '.join(parts)} (an older meihao-kg): "
                   "some saved queries will miss rows; rebuild it: meihao-kg build --force", err=True)


# ----------------------------------------------------------------------------- push

@cli.command(short_help="Write the store to a SPARQL server (Graph Store Protocol).")
@_store_option
@click.option("--endpoint", required=True, envvar="MEIHAO_KG_ENDPOINT", metavar="URL",
              help="The server's SPARQL query endpoint (used to count what was pushed).")
@click.option("--graph-store", default=None, metavar="URL",
              help="The server's Graph Store Protocol URL (default: guessed for Oxigraph, Fuseki, GraphDB).")
@click.option("--source", "sources", multiple=True, metavar="DOC_ID", help="Push only this source's graph.")
@click.option("--graph", "graphs", multiple=True, metavar="IRI", help="Push only this named graph.")
@_errors
def push(store: str | None, endpoint: str, graph_store: str | None, sources: tuple[str, ...],
         graphs: tuple[str, ...]) -> None:
    """Write the store to a SPARQL server (SPARQL 1.1 Graph Store HTTP Protocol).

    One PUT per named graph (each source, the ontology, the inferred graph), so a re-push of
    one source replaces exactly that graph.  Credentials come from the environment
    ($MEIHAO_KG_ENDPOINT_USER and $MEIHAO_KG_ENDPOINT_PASSWORD, or $MEIHAO_KG_ENDPOINT_TOKEN
    for a bearer token) or a netrc file, never from the command line.  Each graph is
    counted on the server afterwards.

    \b
    Example:
      meihao-kg push --endpoint http://localhost:3030/kg/sparql            # Fuseki
      meihao-kg push --endpoint http://localhost:7200/repositories/kg      # GraphDB
    """
    from meihao_kg.store.local import open_store
    from meihao_kg.store.push import push_store

    report = push_store(open_store(store), endpoint, graph_store=graph_store, graphs=graphs, sources=sources)
    for g in report.graphs:
        click.echo(f"{g.iri}: {g.triples} triples (server: {g.on_server})")
    click.echo(f"pushed {len(report.graphs)} graphs, {report.triples} triples to {report.graph_store} "
               f"in {report.seconds:.2f} s", err=True)


def main() -> None:  # pragma: no cover
    cli()
