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

from .errors import MeihaoError
from .store import DEFAULT_STORE, STORE_ENV

F = TypeVar("F", bound=Callable[..., Any])

STORE_HELP = f"Store folder (default: ./{DEFAULT_STORE}, or ${STORE_ENV})."


def _store_option(f: F) -> F:
    return click.option("--store", "store", envvar=STORE_ENV, type=click.Path(file_okay=False),
                        default=None, help=STORE_HELP)(f)  # type: ignore[return-value]


def _errors(f: F) -> F:
    """Turn library errors into one-line messages (no tracebacks)."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except MeihaoError as exc:
            raise click.ClickException(str(exc)) from None
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
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="meihao-kg")
def cli() -> None:
    """meihao-kg: a knowledge graph of the 美好家园 showcase residential compounds.

    \b
    Build the graph from source articles, then ask it questions:
      meihao-kg build                      # data/raw/ → ./.meihao-kg
      meihao-kg query projects-by-initiative --param initiative=1+1+1
      meihao-kg explain 沿海鉴筑 --fact 收缴率
      meihao-kg viz --out kg.html          # one offline HTML file
    """
    handler = _WarningHandler()
    handler.setLevel(logging.WARNING)
    logging.getLogger("meihao_kg").addHandler(handler)
    logging.getLogger("meihao_kg").propagate = False


# ----------------------------------------------------------------------------- build

@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_store_option
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (not recommended).")
@click.option("--keep-invalid", is_flag=True,
              help="Swap in a build that has SHACL violations anyway (for inspection).")
@click.option("--curation", type=click.Path(dir_okay=False), default=None,
              help="Curation decisions (default: data/curation.toml if present).")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@_errors
def build(paths: tuple[Path, ...], store: str | None, no_validate: bool, keep_invalid: bool,
          curation: str | None, quiet: bool) -> None:
    """Build the knowledge graph from source articles.

    PATHS are files or folders of UTF-8 text articles (default: data/raw/).  Each source
    goes into its own named graph; rebuilding a source replaces exactly its facts and keeps
    the others.  The new graph is validated before it replaces the store: on violations
    the previous store is kept, the report is printed and the exit status is 1.

    \b
    Example:
      meihao-kg build
      meihao-kg build data/raw/000_c1cc9ca213bfcef2.txt --store /tmp/kg
    """
    from .errors import ValidationError
    from .pipeline import build_kg

    try:
        report = build_kg(list(paths) or None, store=store, validate=not no_validate,
                          keep_invalid=keep_invalid, curation=curation)
    except ValidationError as exc:
        from .validate import report_text

        vr = getattr(exc, "report", None)
        if vr is not None:
            click.echo(report_text(vr), err=True)
        raise click.ClickException(str(exc)) from None
    for w in report.warnings:
        if not quiet:
            click.echo(f"warning: {w}", err=True)
    for e in report.errors:
        click.echo(f"error: {e}", err=True)
    if not quiet:
        for s in report.sources:
            click.echo(f"{s.path}: {s.projects} projects, {s.triples} triples")
        status = "validated" if report.validation is not None else "not validated"
        if report.kept_invalid:
            status = "INVALID, kept because of --keep-invalid"
        click.echo(f"store {report.store}: {report.triples} quads ({status}) in {report.seconds:.2f} s")
    if report.errors:
        sys.exit(1)


# ----------------------------------------------------------------------------- query

@cli.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True)
@click.option("--list", "list_", is_flag=True, help="List the saved queries and their parameters.")
@_store_option
@_errors
def query(name: str | None, params: tuple[str, ...], fmt: str, list_: bool, store: str | None) -> None:
    """Run a saved query (queries/NAME.rq) or any .rq file.

    Parameter values are bound as RDF terms, never pasted into the query.  Names of
    projects and places may be Simplified or Traditional, with or without 小区/市/区.

    \b
    Example:
      meihao-kg query projects-by-initiative --param initiative=吹哨报到
      meihao-kg query projects-in-place -p place=沈阳 --format csv
      meihao-kg query indicators -p project=沿海鑒筑 -p indicator=households
    """
    from .queries import find_query, format_result, list_queries, run_query
    from .store import open_store

    if list_ or not name:
        for q in list_queries():
            ps = " ".join(f"{p.name}=…" if p.required else f"[{p.name}=…]" for p in q.params)
            click.echo(f"{q.name:<24} {q.title_zh} | {q.title_en}" + (f"\n{'':<24} params: {ps}" if ps else ""))
        return
    q = find_query(name)
    result = run_query(open_store(store), q, _params(params))
    click.echo(format_result(result, fmt), nl=False)


# ----------------------------------------------------------------------------- export

@cli.command()
@click.option("--format", "fmt", default="turtle", show_default=True,
              type=click.Choice(["turtle", "nt", "jsonld", "trig", "nquads", "graphml", "gexf"]))
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file (default: standard output).")
@click.option("--no-inferred", is_flag=True, help="Leave out the inferred graph.")
@click.option("--no-ontology", is_flag=True, help="Leave out the ontology graph.")
@_store_option
@_errors
def export(fmt: str, out: Path | None, no_inferred: bool, no_ontology: bool, store: str | None) -> None:
    """Export the graph as Turtle, N-Triples, JSON-LD, TriG or N-Quads (deterministic),
    or its network projection as GraphML/GEXF for Gephi and Cytoscape.

    \b
    Example:
      meihao-kg export --format turtle --out kg.ttl
      meihao-kg export --format graphml --out kg.graphml
    """
    from .store import open_store

    st = open_store(store)
    if fmt in ("graphml", "gexf"):
        if out is None:
            raise click.UsageError(f"--format {fmt} needs --out FILE")
        from .export import store_dataset
        from .projection import project_graph, write_gexf, write_graphml

        G = project_graph(store_dataset(st))
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "graphml":
            write_graphml(G, out)
        else:
            write_gexf(G, out)
        click.echo(f"wrote {out}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges", err=True)
        return
    from .export import export_rdf

    data = export_rdf(st, fmt, inferred=not no_inferred, ontology=not no_ontology)
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        click.echo(f"wrote {out} ({len(data)} bytes)", err=True)


# ----------------------------------------------------------------------------- info

@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_store_option
@_errors
def info(fmt: str, store: str | None) -> None:
    """Sources, projects, triples and counts by class."""
    import dataclasses
    import json

    from .export import store_info
    from .store import open_store

    i = store_info(open_store(store))
    if fmt == "json":
        click.echo(json.dumps(dataclasses.asdict(i), ensure_ascii=False, indent=2))
        return
    click.echo(f"store:    {i.store}")
    click.echo(f"sources:  {len(i.sources)}")
    for doc, title, n in i.sources:
        click.echo(f"  {doc}  {title}  ({n} projects)")
    click.echo(f"projects: {i.projects}")
    click.echo(f"triples:  {i.triples} distinct ({i.quads} quads in {len(i.graphs)} named graphs)")
    click.echo("classes:")
    for c, n in i.classes:
        click.echo(f"  {n:>6}  {c}")


# ----------------------------------------------------------------------------- validate

@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text",
              show_default=True)
@_store_option
def validate(fmt: str, store: str | None) -> None:
    """Check the store against the SHACL shapes (ontology/shapes.ttl).

    \b
    Exit status:
      0  the data conforms
      1  there are violations (listed with the node's label, the message and the quote)
      2  the data or the shapes could not be loaded
    """
    try:
        from .export import store_dataset
        from .store import open_store
        from .validate import report_json, report_text, report_turtle, validate_graph

        report = validate_graph(store_dataset(open_store(store), inferred=False))
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

@cli.command()
@click.option("--markdown", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the reference as Markdown to this file.")
@_errors
def ontology(out: Path | None) -> None:
    """Print a reference of the classes, properties and concepts (zh and en)."""
    from .ontology import reference_markdown

    text = reference_markdown()
    if out is None:
        click.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


# ----------------------------------------------------------------------------- viz

@cli.command()
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("kg.html"),
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
@_errors
def viz(out: Path, focus: str | None, depth: int, query_name: str | None, params: tuple[str, ...],
        similarity: bool, lang: str, store: str | None) -> None:
    """Write an interactive network view as one HTML file that works offline.

    \b
    Example:
      meihao-kg viz --out kg.html
      meihao-kg viz --focus 沿海鉴筑 --depth 2 --out yhjz.html
      meihao-kg viz --similarity --out similar.html
      meihao-kg viz --query projects-by-initiative -p initiative=垃圾分类 --out ws.html
    """
    from .export import store_dataset
    from .store import open_store
    from .visualise import render_html, write_html

    st = open_store(store)
    ds = store_dataset(st, inferred=False)
    from . import projection

    if query_name:
        from .queries import find_query, run_query

        q = find_query(query_name)
        res = run_query(st, q, _params(params))
        G = projection.rows_to_graph([dict(zip(res.columns, r)) for r in res.rows], list(res.columns), g=ds)
        title = f"{q.title_zh} ({', '.join(params) or q.name})"
    elif similarity:
        G = projection.similarity_graph(ds)
        title = "项目相似度:共享举措 | Projects by shared initiatives"
    else:
        G = projection.project_graph(ds)
        title = "美好家园知识图谱 | meihao-kg"
        if focus:
            G = projection.neighbourhood(G, focus, depth)
            title = f"{focus} (depth {depth})"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_html(render_html(G, title=title, lang=lang), out)
    click.echo(f"wrote {out}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges", err=True)


# ----------------------------------------------------------------------------- explain

@cli.command()
@click.argument("project")
@click.option("--fact", default=None, help="Only facts whose label, value or quote contains this text.")
@_store_option
@_errors
def explain(project: str, fact: str | None, store: str | None) -> None:
    """Show a project's facts with the quote and its sentence, to check them at the source.

    \b
    Example:
      meihao-kg explain 沿海鉴筑
      meihao-kg explain 金盛佳園首府 --fact 满意度
    """
    from .explain import explain_project
    from .store import open_store

    for item in explain_project(open_store(store), project, fact):
        click.echo(f"■ {item.kind}: {item.summary}")
        click.echo(f"  原文 quote  [{item.doc_id} {item.start}-{item.end}]: {item.quote}")
        click.echo(f"  句子 sentence: {item.sentence}")


# ----------------------------------------------------------------------------- resolve

@cli.command()
@click.option("--report", "show_report", is_flag=True, default=True, help="List merges and near-misses.")
@_store_option
@_errors
def resolve(show_report: bool, store: str | None) -> None:
    """Entity resolution report: entities merged under one IRI (with their aliases),
    near-misses that may be the same entity (to merge in data/curation.toml), cross-source
    merges of compounds with their reason, and conflicts that kept like-named compounds apart."""
    from .resolve import resolution_report
    from .store import open_store

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


def main() -> None:  # pragma: no cover
    cli()
