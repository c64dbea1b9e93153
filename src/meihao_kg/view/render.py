"""Render a projected graph as one self-contained, offline, Chinese-ready HTML page.

The only module that imports pyvis.

Input: a networkx graph from ``meihao_kg.view.projection`` (nodes with ``label_zh``, ``label_en``,
``aliases``, ``cls``, ``type_zh``, ``type_en``, ``figures``, ``quotes``, ``iri``; edges with
``label_zh``/``label_en`` and optionally ``weight``/``shared_types``).  Any graph works: missing
attributes fall back to the node id and the ``other`` class.

Output: one HTML string rendered by pyvis (its ``Network`` and template environment, with our
own template) that

* inlines vis-network 9.1.2 and its CSS from the pyvis wheel, keeps their licence notice, and
  references no external resource at all (no CDN, no bootstrap, no web fonts);
* carries every piece of data as JSON inside ``<script>``, escaped so that ``</script>``, ``<!--``
  and U+2028 in labels cannot end the script; the page's own JS writes data only with
  ``textContent`` and vis-network shows tooltips with ``innerText``, so labels and quotes are text,
  never markup;
* offers a legend by class that doubles as class filter (each swatch drawn with the shape the
  graph uses), a facet filter for initiative types (node attribute ``facet``), a search box (zh
  label, aliases, English, full pinyin and pinyin initials), a zh/en label toggle, edge captions
  on a toggle (off by default), neighbourhood highlight on click (cleared by a second click), a
  side panel for the selected node with its facts grouped by kind, each with quote and source
  (node attribute ``facts``, see ``meihao_kg.view.viewdata``) and "projects like this one" (``similar``),
  PNG and SVG export of the current view, and physics that switches itself off once the layout
  has stabilised;
* shows only the labels of prominent nodes (projects, compounds) at the first zoom level; the
  others appear when zoomed in, and every node names itself in its tooltip;
* above ``physics_threshold`` nodes, takes positions computed in Python
  (``layout.fast_layout``) and never runs physics.

The page sets ``window.mhDrawn = true`` after vis-network's first ``afterDrawing`` event and
``window.mhStabilized = true`` once physics is off (used by tests and the benchmark).
"""

from __future__ import annotations

import json
import logging
import math
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyvis.network import Network

from meihao_kg import resources
from meihao_kg.view.labels import CLASSES
from meihao_kg.view.layout import fast_layout

__all__ = ["CLASS_STYLES", "FONT_STACK", "render_html", "wrap_label", "write_html"]

LOGGER = logging.getLogger(__name__)

FONT_STACK = '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif'

#: class key → (colour, vis-network shape, size).  Keys follow ``labels.CLASSES``.
CLASS_STYLES: dict[str, tuple[str, str, int]] = {
    "project": ("#d62728", "star", 24),
    "compound": ("#ff7f0e", "hexagon", 18),
    "campaign": ("#8c564b", "diamond", 20),
    "division": ("#2ca02c", "triangle", 14),
    "zone": ("#7fbf7b", "triangleDown", 14),
    "party_branch": ("#e41a1c", "square", 12),
    "general_party_branch": ("#a50f15", "square", 13),
    "party_working_committee": ("#fb6a4a", "square", 14),
    "party_organization": ("#cb181d", "square", 12),
    "owners_committee": ("#1f77b4", "dot", 12),
    "property_unit": ("#17becf", "dot", 12),
    "property_enterprise": ("#0e7c86", "square", 13),
    "residents_committee": ("#9467bd", "dot", 12),
    "subdistrict_office": ("#393b79", "diamond", 12),
    "police_station": ("#5254a3", "diamond", 12),
    "fire_brigade": ("#843c39", "diamond", 12),
    "government_agency": ("#6b6ecf", "diamond", 12),
    "industry_association": ("#bcbd22", "dot", 12),
    "coordination_body": ("#e377c2", "hexagon", 12),
    "media_outlet": ("#7f7f7f", "dot", 11),
    "governance_mechanism": ("#31a354", "dot", 10),
    "initiative": ("#74c476", "dot", 10),
    "initiative_type": ("#f0b400", "diamond", 14),
    "recognition": ("#c9a227", "star", 12),
    "media_coverage": ("#a0a0a0", "dot", 9),
    "observation": ("#b0b0b0", "dot", 8),
    "event": ("#b0b0b0", "dot", 8),
    "source": ("#c7c7c7", "square", 8),
    "evidence": ("#d9d9d9", "square", 6),
    "assertion": ("#d9d9d9", "square", 6),
    "value": ("#bdbdbd", "dot", 8),
    "other": ("#999999", "dot", 10),
}

_VIS_DIR = "lib/vis-9.1.2"
_MAX_FIGURES = 8
_MAX_QUOTES = 2
_MAX_PANEL_FACTS = 60
# label size by class: at the first zoom level (about 0.5) only labels above the draw threshold
# (projects, compounds) show; the rest appear when zoomed in
_FONT_SIZES = {"project": 24, "compound": 12, "initiative_type": 12}
_LABEL_THRESHOLD = 8
_PRESTABILISE_LIMIT = 300  # nodes; above, physics runs live from the seeded layout
_PHYSICS_CAP_MS = 8000  # live physics stops after this long at the latest
_EDGE_LABEL_LIMIT = 300  # above this many edges, edge captions only show on hover


# --------------------------------------------------------------------------- text helpers


def _char_width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55


def wrap_label(text: str, width: float = 8, max_lines: int = 4) -> str:
    """Break ``text`` into lines of about ``width`` CJK characters (vis-network wraps at spaces).

    Latin words are kept whole where possible (a Latin character counts as ~0.55 of a CJK one).
    Lines beyond ``max_lines`` are cut and end with "…".
    """
    text = " ".join(text.split())
    total = sum(_char_width(c) for c in text)
    if total > width:
        # Balance the lines: 9 characters at width 8 become 5 + 4, not 8 + 1.
        width = min(width, total / math.ceil(total / width) + 0.6)
    lines: list[str] = []
    line = ""
    used = 0.0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isascii() and ch.isalnum():
            j = i
            while j < len(text) and text[j].isascii() and (text[j].isalnum() or text[j] in "-_.'"):
                j += 1
            token = text[i:j]
        else:
            token = ch
            j = i + 1
        w = sum(_char_width(c) for c in token)
        if line and used + w > width:
            lines.append(line.rstrip())
            line, used = "", 0.0
            if token == " ":
                i = j
                continue
        line += token
        used += w
        i = j
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return "\n".join(lines)


@lru_cache(maxsize=8192)
def _char_pinyin(ch: str) -> str:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(ch)[0]


def _pinyin_keys(text: str, *, fast: bool) -> tuple[str, str]:
    """(full pinyin, initials) of ``text`` without spaces, lower case.

    ``fast`` reads each character alone (cached; for big graphs); otherwise pypinyin reads whole
    words, which gets more heteronyms right.
    """
    han = [ch for ch in text if "\u3400" <= ch <= "\u9fff"]
    if not han:
        return "", ""
    if fast:
        syllables = [_char_pinyin(ch) for ch in han]
    else:
        from pypinyin import lazy_pinyin

        syllables = lazy_pinyin("".join(han))
    return "".join(syllables).lower(), "".join(s[:1] for s in syllables).lower()


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _tooltip(data: dict[str, Any], label_zh: str, label_en: str, cls: str) -> str:
    type_zh = data.get("type_zh") or CLASSES.get(cls, CLASSES["other"])[0]
    type_en = data.get("type_en") or CLASSES.get(cls, CLASSES["other"])[1]
    lines = [f"【{type_zh} · {type_en}】", label_zh]
    if label_en and label_en != label_zh:
        lines.append(label_en)
    aliases = _as_list(data.get("aliases"))
    if aliases:
        lines.append("别名：" + "、".join(aliases[:6]))
    if data.get("facet") and data.get("facet") != label_zh:
        lines.append(f"分面 facet：{data['facet']}")
    figures = _as_list(data.get("figures"))
    if figures:
        lines.append("— 关键数据 —")
        lines += figures[:_MAX_FIGURES]
        if len(figures) > _MAX_FIGURES:
            lines.append(f"…（另有 {len(figures) - _MAX_FIGURES} 项）")
    quotes = _as_list(data.get("quotes"))
    if quotes:
        lines.append("— 原文证据 —")
        lines += [f"「{q}」" for q in quotes[:_MAX_QUOTES]]
        if len(quotes) > _MAX_QUOTES:
            lines.append(f"…（另有 {len(quotes) - _MAX_QUOTES} 条）")
    if data.get("facts") or len(figures) > _MAX_FIGURES or len(quotes) > _MAX_QUOTES:
        lines.append("（点击节点查看全部事实与出处 · click for all facts and sources）")
    return "\n".join(lines)


def _panel_facts(data: dict[str, Any]) -> list[list[Any]]:
    """Compact fact rows for the side panel: [kind, kind_en, text, quote, source, start, end]."""
    out: list[list[Any]] = []
    for f in (data.get("facts") or [])[:_MAX_PANEL_FACTS]:
        if isinstance(f, dict):
            out.append([str(f.get("kind", "")), str(f.get("kind_en", "")), str(f.get("text", "")),
                        str(f.get("quote", "")), str(f.get("source", "")), f.get("start"), f.get("end")])
    return out


def _json_dumps(obj: Any, **kwargs: Any) -> str:
    # Compact UTF-8 JSON.  Jinja's tojson then replaces < > & ' with \u escapes, so no data can
    # close the <script> element or open a comment; U+2028/9 are escaped for older JS engines.
    kwargs.setdefault("ensure_ascii", False)
    kwargs.setdefault("separators", (",", ":"))
    return json.dumps(obj, **kwargs).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --------------------------------------------------------------------------- rendering


def _options(*, n_nodes: int, n_edges: int, physics: bool, directed: bool) -> dict[str, Any]:
    """vis-network options (no user data in here: they are not escaped by the template)."""
    big = not physics
    return {
        "autoResize": True,
        "nodes": {
            "font": {"face": FONT_STACK, "size": 12, "color": "#222222", "multi": False,
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
            "scaling": {"label": {"drawThreshold": _LABEL_THRESHOLD}},
        },
        "edges": {
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
            "color": {"color": "#b8b8b8", "highlight": "#555555", "hover": "#777777"},
            "font": {"face": FONT_STACK, "size": 10, "color": "#666666", "strokeWidth": 3},
            "smooth": False if big or n_edges > 2000 else {"type": "continuous"},
            "width": 1,
        },
        "layout": {"randomSeed": 42, "improvedLayout": n_nodes <= 100},
        "interaction": {
            "hover": not big,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": False,
        },
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -4000,
                "springLength": 110,
                "springConstant": 0.04,
                "avoidOverlap": 0.2,
            },
            # Small graphs are stabilised before the first draw; bigger ones start from the
            # Python layout, draw at once and settle live (the page stops physics when settled
            # or after a time cap).
            "stabilization": {
                "enabled": physics and n_nodes <= _PRESTABILISE_LIMIT,
                "iterations": 600,
                "updateInterval": 50,
                "fit": True,
            },
            "minVelocity": 0.75 if n_nodes <= _PRESTABILISE_LIMIT else 2.0,
        },
    }


def render_html(
    graph: Any,
    *,
    title: str,
    physics_threshold: int = 2000,
    lang: str = "zh",
    wrap: float = 8,
    height: str = "100vh",
    positions: dict[Any, tuple[float, float]] | None = None,
    layout: Callable[[Any], dict[Any, tuple[float, float]]] | None = None,
) -> str:
    """Render ``graph`` as one self-contained UTF-8 HTML page.

    Args:
        graph: a networkx graph (``projection.project_graph`` / ``neighbourhood`` /
            ``similarity_graph``
            / ``rows_to_graph`` output, or any graph: missing attributes fall back to defaults).
        title: page heading and ``<title>`` (shown as text).
        physics_threshold: above this many nodes positions come from Python and physics stays
            off; at or below it vis-network lays the graph out and switches physics off when
            stabilised.
        lang: initial label language, ``"zh"`` or ``"en"`` (a button toggles).
        wrap: label width in CJK characters before a line break.
        height: CSS height of the drawing area.
        positions: fixed node positions ``{node: (x, y)}`` (physics off), e.g. for reproducible
            layouts; overrides ``layout``.
        layout: function ``graph -> {node: (x, y)}`` used above the threshold (default
            ``layout.fast_layout``).

    Returns:
        The HTML document as a string; write it with ``write_html`` (always UTF-8).
    """
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    n = graph.number_of_nodes()
    physics = positions is None and n <= physics_threshold
    if positions is None and not physics:
        positions = (layout or fast_layout)(graph)
    elif positions is None and n > _PRESTABILISE_LIMIT:
        # A seeded start makes physics settle sooner (and the picture more repeatable).
        positions = fast_layout(graph)
    fast_pinyin = n > physics_threshold
    directed = graph.is_directed()

    ids: dict[Any, int] = {}
    nodes: list[dict[str, Any]] = []
    class_counts: dict[str, int] = {}
    facet_counts: dict[str, int] = {}
    facet_en: dict[str, str] = {}
    similar_of: dict[int, list[Any]] = {}
    for i, (node, data) in enumerate(graph.nodes(data=True)):
        ids[node] = i
        cls = data.get("cls") or "other"
        if cls not in CLASS_STYLES:
            cls = "other"
        class_counts[cls] = class_counts.get(cls, 0) + 1
        label_zh = str(data.get("label_zh") or data.get("label") or node)
        label_en = str(data.get("label_en") or label_zh)
        colour, shape, size = CLASS_STYLES[cls]
        lz = wrap_label(label_zh, wrap)
        le = wrap_label(label_en, wrap * 2.2)
        aliases = _as_list(data.get("aliases"))
        full, initials = _pinyin_keys(label_zh, fast=fast_pinyin)
        search = "\u0001".join(
            [
                label_zh,
                *aliases,
                label_en.lower(),
                label_en.lower().replace(" ", ""),
                full,
                initials,
            ]
        ).lower()
        item: dict[str, Any] = {
            "id": i,
            "label": lz if lang == "zh" else le,
            "lz": lz,
            "le": le,
            "nz": label_zh,
            "ne": label_en,
            "c": cls,
            "shape": shape,
            "color": colour,
            "size": size + (6 if data.get("focus") else 0),
            "title": _tooltip(data, label_zh, label_en, cls),
            "s": search,
        }
        if data.get("focus"):
            item["borderWidth"] = 4
        font_size = _FONT_SIZES.get(cls)
        shared_by = int(data.get("shared_by") or 0)
        if cls == "initiative_type" and shared_by:
            # types most projects share are bigger, and their labels show at the first zoom level
            item["size"] = size + 3 * min(shared_by, 6)
            font_size = 17 if shared_by >= 3 else 12
        if font_size:
            item["font"] = {"size": font_size}
        if data.get("facet"):
            item["fc"] = str(data["facet"])
            item["fe"] = str(data.get("facet_en") or data["facet"])
            facet_counts[item["fc"]] = facet_counts.get(item["fc"], 0) + 1
            facet_en[item["fc"]] = item["fe"]
        facts = _panel_facts(data)
        if facts:
            item["f"] = facts
        if data.get("iri"):
            item["iri"] = str(data["iri"])
        if data.get("similar"):
            similar_of[i] = list(data["similar"])
        if positions is not None and node in positions:
            x, y = positions[node]
            item["x"] = float(x)
            item["y"] = float(y)
        nodes.append(item)

    by_iri = {str(graph.nodes[nd].get("iri") or nd): ids[nd] for nd in graph.nodes}
    for i, rows in similar_of.items():
        nodes[i]["sim"] = [
            {"id": by_iri.get(str(r.get("iri", ""))), "n": str(r.get("label_zh", "")),
             "w": int(r.get("weight", 0)), "j": float(r.get("jaccard", 0.0)), "s": str(r.get("shared", ""))}
            for r in rows if isinstance(r, dict)
        ]

    edges: list[dict[str, Any]] = []
    show_edge_labels = graph.number_of_edges() <= _EDGE_LABEL_LIMIT
    max_weight = max((d.get("weight", 1) for _, _, d in graph.edges(data=True)), default=1) or 1
    for u, v, data in graph.edges(data=True):
        ez = str(data.get("label_zh") or data.get("label") or "")
        en = str(data.get("label_en") or ez)
        tip = [t for t in (ez, en if en != ez else "") if t]
        if data.get("shared_types"):
            tip.append("共享举措：" + "、".join(_as_list(data["shared_types"])))
        tip.extend(f"「{q}」" for q in _as_list(data.get("quotes"))[:3])
        edge: dict[str, Any] = {"id": len(edges), "from": ids[u], "to": ids[v]}
        if tip:
            edge["title"] = "\n".join(tip)
        if show_edge_labels and ez:  # captions are shown by the page's toggle, off at first
            edge["lz"], edge["le"] = ez, en
        if "weight" in data:
            edge["width"] = 1 + 5 * float(data["weight"]) / float(max_weight)
            edge["value"] = float(data["weight"])
        edges.append(edge)

    legend = [
        {
            "key": key,
            "zh": CLASSES.get(key, CLASSES["other"])[0],
            "en": CLASSES.get(key, CLASSES["other"])[1],
            "color": CLASS_STYLES[key][0],
            "shape": CLASS_STYLES[key][1],
            "count": class_counts[key],
        }
        for key in CLASS_STYLES
        if key in class_counts
    ]
    meta = {
        "lang": lang,
        "physics": physics,
        "nodeCount": n,
        "edgeCount": len(edges),
        "legend": legend,
        "font": FONT_STACK,
        "physicsCapMs": _PHYSICS_CAP_MS,
        "facets": [{"key": k, "zh": k, "en": facet_en[k], "count": facet_counts[k]} for k in sorted(facet_counts)],
        "edgeLabels": show_edge_labels,
    }
    options = _options(n_nodes=n, n_edges=len(edges), physics=physics, directed=directed)

    net = Network(
        height=height, width="100%", directed=directed, heading=title, cdn_resources="in_line"
    )
    net.templateEnv.policies["json.dumps_function"] = _json_dumps
    net.templateEnv.policies["json.dumps_kwargs"] = {}
    # Bulk assignment: pyvis's add_node/from_nx check duplicates on lists (quadratic).
    net.nodes = nodes
    net.edges = edges
    net.node_ids = list(range(len(nodes)))
    net.options = options
    net.template = net.templateEnv.from_string(
        _page_file("page.html"),
        globals={"meta": meta, "vis_dir": _VIS_DIR, "font_stack": FONT_STACK, "page_js": _page_file("page.js")},
    )
    html: str = net.generate_html(notebook=True)
    LOGGER.debug("rendered %d nodes, %d edges (physics=%s)", n, len(edges), physics)
    return html


def write_html(html: str, path: str | Path) -> Path:
    """Write ``html`` to ``path`` as UTF-8 (never the locale's encoding) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8", newline="\n")
    return path


@lru_cache(maxsize=4)
def _page_file(name: str) -> str:
    """The page template (``page.html``, rendered through pyvis's Jinja environment, which can
    include the vendored vis-network files; data enter only through ``|tojson`` or ``|e``) and
    its script (``page.js``, plain JavaScript), package files next to this module."""
    return resources.view_file(name).read_text(encoding="utf-8")
