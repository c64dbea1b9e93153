"""SHACL results for people: :class:`ValidationReport` (plain data plus the SHACL report graph),
built from a report graph with the focus node's label and the evidence quote, and rendered as
text (zh/en), JSON or Turtle."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from meihao_kg.graph.namespaces import MH, OA, SCHEMA
from meihao_kg.graph.ontology import curie

__all__ = ["ValidationReport", "ViolationResult", "report_json", "report_text", "report_turtle", "violation_results"]


@dataclass(frozen=True)
class ViolationResult:
    """One SHACL result, flattened for people and JSON.

    Attributes:
        focus: the focus node (IRI or blank-node id) as a string.
        focus_label: its Chinese label, name or prefLabel, else a prefixed IRI.
        path: the result path in prefixed form (``a/b`` sequence, ``a|b`` alternatives) or None.
        message_zh / message_en: the shape's ``sh:message`` in each language ("" when missing).
        severity: ``Violation``, ``Warning`` or ``Info``.
        quote: the evidence quote behind the focus node (normalised if available), or None.
        value: the offending value (lexical form or prefixed IRI), or None.
        shape: the source shape in prefixed form.
    """

    focus: str
    focus_label: str
    path: str | None
    message_zh: str
    message_en: str
    severity: str
    quote: str | None
    value: str | None
    shape: str | None = None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of ``validate_graph``.

    Attributes:
        conforms: True when there is no result of severity Violation.
        results: every result, sorted by focus, path and message.
        report_graph: pySHACL's ``sh:ValidationReport`` graph (serialise it for Turtle output).
        seconds: wall time spent in the SHACL engine (pyshacl-turbo).
    """

    conforms: bool
    results: tuple[ViolationResult, ...]
    report_graph: Graph
    seconds: float = 0.0

    @property
    def violations(self) -> tuple[ViolationResult, ...]:
        """The results of severity Violation."""
        return tuple(r for r in self.results if r.severity == "Violation")


def _path_text(graph: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return curie(path)
    if (graph.value(path, RDF.first)) is not None:
        return "/".join(_path_text(graph, p) for p in Collection(graph, path))
    for key, fmt in (
        (SH.alternativePath, "({})"),
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, key)
        if inner is not None:
            if key == SH.alternativePath:
                return fmt.format("|".join(_path_text(graph, p) for p in Collection(graph, inner)))
            return fmt.format(_path_text(graph, inner))
    return str(path)


def _value_text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    return curie(node)


def _label(data: Graph, node: Node) -> str:
    for predicate in (RDFS.label, SCHEMA.name, SKOS.prefLabel):
        fallback = None
        for value in data.objects(node, predicate):
            if isinstance(value, Literal):
                if value.language and value.language.lower().startswith("zh"):
                    return str(value)
                fallback = fallback or str(value)
        if fallback:
            return fallback
    indicator = data.value(node, MH.indicator)
    if indicator is not None:  # an observation: "建筑面积 · 沿海鉴筑小区"
        about = data.value(node, SCHEMA.observationAbout)
        name = _label(data, indicator)
        return f"{name} · {_label(data, about)}" if about is not None else name
    return curie(node)


def _span_quote(data: Graph, span: Node) -> str | None:
    normalised = data.value(span, MH.normalizedQuote)
    if normalised is not None:
        return str(normalised)
    for selector in sorted(data.objects(span, OA.hasSelector), key=str):
        exact = data.value(selector, OA.exact)
        if exact is not None:
            return str(exact)
    return None


def _quote(data: Graph, focus: Node) -> str | None:
    if (focus, RDF.type, MH.EvidenceSpan) in data:
        return _span_quote(data, focus)
    for span in data.subjects(OA.hasSelector, focus):  # a selector: quote its span
        return _span_quote(data, span)
    for span in sorted(data.objects(focus, MH.evidence), key=str):
        quote = _span_quote(data, span)
        if quote is not None:
            return quote
    return None


_IRI = re.compile(r"https?://[^\s\"'“”<>]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _shorten(message: str) -> str:
    return _IRI.sub(lambda m: curie(URIRef(m.group(0))), message)


def _messages(report: Graph, result: Node) -> tuple[str, str]:
    """The zh and en result messages.

    pySHACL drops the language tag of SPARQL-constraint messages after substituting ``{?var}``,
    so an untagged message is taken as zh when it starts with a CJK character (the shapes' zh
    messages all do, their en messages never do; substituted values may be Chinese in either).
    """
    zh = en = ""
    for message in sorted(report.objects(result, SH.resultMessage), key=str):
        lang = (getattr(message, "language", None) or "").lower()
        text = _shorten(str(message))
        if not lang:
            lang = "zh" if _CJK.match(text.strip()) else "en"
        if lang.startswith("zh") and not zh:
            zh = text
        elif lang.startswith("en") and not en:
            en = text
    return zh, en


def violation_results(report: Graph, data: Graph) -> tuple[ViolationResult, ...]:
    out = []
    # only top-level results: pySHACL also types the nested sh:detail results of sh:node
    for result in set(report.objects(None, SH.result)):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        severity = report.value(result, SH.resultSeverity)
        shape = report.value(result, SH.sourceShape)
        zh, en = _messages(report, result)
        out.append(
            ViolationResult(
                focus=str(focus),
                focus_label=_label(data, focus) if focus is not None else "",
                path=_path_text(report, path) if path is not None else None,
                message_zh=zh,
                message_en=en,
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                quote=_quote(data, focus) if focus is not None else None,
                value=_value_text(report.value(result, SH.value)),
                shape=curie(shape) if isinstance(shape, URIRef) else None,
            )
        )
    out.sort(key=lambda r: (r.focus, r.path or "", r.message_en, r.value or ""))
    return tuple(out)


# --------------------------------------------------------------------------- rendering


def report_text(report: ValidationReport, *, lang: str = "both") -> str:
    """Render a report for people: one block per result with label, message and evidence quote.

    Args:
        lang: ``"zh"``, ``"en"`` or ``"both"`` (zh line then en line).
    """
    if lang not in {"zh", "en", "both"}:
        raise ValueError(f"lang must be zh, en or both, not {lang!r}")
    n = len(report.violations)
    head = "符合 / conforms" if report.conforms else f"不符合 / does not conform: {n} violation(s)"
    lines = [head]
    for r in report.results:
        where = f" [{r.path}]" if r.path else ""
        lines.append(f"- {r.severity}: {r.focus_label} <{r.focus}>{where}")
        if lang in {"zh", "both"} and r.message_zh:
            lines.append(f"    {r.message_zh}")
        if lang in {"en", "both"} and r.message_en:
            lines.append(f"    {r.message_en}")
        if r.value is not None:
            lines.append(f"    值 / value: {r.value}")
        if r.quote is not None:
            lines.append(f"    原文 / quote: “{r.quote}”")
    return "\n".join(lines) + "\n"


def report_json(report: ValidationReport, *, indent: int | None = 2) -> str:
    """Render a report as JSON: ``{"conforms": bool, "results": [ {field: value}, ... ]}``."""
    payload = {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "results": [asdict(r) for r in report.results],
    }
    return json.dumps(payload, ensure_ascii=False, indent=indent)


def report_turtle(report: ValidationReport) -> str:
    """Render the SHACL report graph as Turtle."""
    return report.report_graph.serialize(format="turtle")
