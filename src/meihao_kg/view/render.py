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
  (``projection.fast_layout``) and never runs physics.

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

from meihao_kg.view.projection import CLASSES, fast_layout

__all__ = ["CLASS_STYLES", "FONT_STACK", "render_html", "wrap_label", "write_html"]

LOGGER = logging.getLogger(__name__)

FONT_STACK = '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif'

#: class key → (colour, vis-network shape, size).  Keys follow ``projection.CLASSES``.
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
            ``projection.fast_layout``).

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
        _TEMPLATE, globals={"meta": meta, "vis_dir": _VIS_DIR, "font_stack": FONT_STACK}
    )
    html = net.generate_html(notebook=True)
    LOGGER.debug("rendered %d nodes, %d edges (physics=%s)", n, len(edges), physics)
    return html


def write_html(html: str, path: str | Path) -> Path:
    """Write ``html`` to ``path`` as UTF-8 (never the locale's encoding) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8", newline="\n")
    return path


# The page template, rendered through pyvis's Jinja environment (which can include the vendored
# vis-network files).  Data only enters through |tojson (HTML-safe) or |e.
_TEMPLATE = r"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="meihao-kg (pyvis 0.3.2, vis-network 9.1.2)">
<title>{{ heading|e }}</title>
<!--
  This file is self-contained: it loads nothing from the network.
  It embeds vis-network 9.1.2 (https://visjs.github.io/vis-network/), (c) 2011-2017 Almende B.V,
  (c) 2017-2019 visjs contributors, dual licensed under the Apache License 2.0 and the MIT License;
  the original licence notice is kept at the top of the embedded script below.
-->
<style>{% include vis_dir ~ '/vis-network.css' %}</style>
<script>{% include vis_dir ~ '/vis-network.min.js' %}</script>
<style>
  html { height: 100%; }
  body { margin: 0; padding: 0; height: {{ height|e }}; color: #222;
         font-family: {{ font_stack }}; }
  body { display: flex; flex-direction: column; }
  #mh-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 6px 10px;
            border-bottom: 1px solid #ddd; background: #fafafa; }
  #mh-bar h1 { font-size: 16px; margin: 0 12px 0 0; font-weight: 600; }
  #mh-bar input[type=search] { font: inherit; padding: 3px 6px; width: 16em; }
  #mh-bar button { font: inherit; padding: 2px 8px; }
  #mh-status { color: #666; font-size: 12px; margin-left: auto; }
  #mh-main { position: relative; flex: 1; min-height: 0; display: flex; }
  #mynetwork { flex: 1; height: 100%; min-height: 300px; background: #fff; }
  #mh-side { width: 22em; overflow-y: auto; border-left: 1px solid #ddd; padding: 6px 8px;
             font-size: 13px; }
  #mh-side h2 { font-size: 13px; margin: 8px 0 4px; }
  #mh-legend label, #mh-facets label { display: flex; align-items: center; gap: 6px; margin: 2px 0;
                                        cursor: pointer; }
  .mh-swatch { display: inline-block; width: 14px; height: 14px; flex: none; }
  .mh-count { color: #888; margin-left: auto; }
  #mh-detail { border-bottom: 1px solid #ddd; padding-bottom: 6px; }
  #mh-detail[hidden] { display: none; }
  #mh-detail-name { font-size: 15px; font-weight: 600; margin: 4px 0 0; }
  #mh-detail-type { color: #666; font-size: 12px; }
  #mh-detail h3 { font-size: 12px; margin: 8px 0 2px; color: #444; }
  #mh-detail ul { list-style: none; padding: 0; margin: 0; }
  .mh-fact { margin: 3px 0 6px; }
  .mh-fact-quote { display: block; color: #555; border-left: 3px solid #e0c36b; padding-left: 5px;
                   margin: 2px 0; }
  .mh-fact-source { display: block; color: #999; font-size: 11px; }
  .mh-similar li { cursor: pointer; padding: 2px 4px; border-radius: 3px; }
  .mh-similar li:hover { background: #eef; }
  .mh-similar .mh-shared { display: block; color: #777; font-size: 11px; }
  #mh-results { list-style: none; padding: 0; margin: 4px 0; }
  #mh-results li { padding: 2px 4px; cursor: pointer; border-radius: 3px; }
  #mh-results li:hover { background: #eef; }
  div.vis-tooltip { white-space: pre-wrap; max-width: 28em; font-family: {{ font_stack }};
                    font-size: 13px; line-height: 1.45; }
</style>
</head>
<body>
<div id="mh-bar">
  <h1 id="mh-title">{{ heading|e }}</h1>
  <input id="mh-search" type="search" aria-label="search"
         placeholder="搜索 名称 / pinyin / 拼音首字母">
  <button id="mh-lang" type="button">English</button>
  <button id="mh-physics" type="button">布局</button>
  <button id="mh-edges" type="button" aria-pressed="false">边标签</button>
  <button id="mh-png" type="button">PNG</button>
  <button id="mh-svg" type="button">SVG</button>
  <span id="mh-status"></span>
</div>
<div id="mh-main">
  <div id="mynetwork"></div>
  <div id="mh-side">
    <section id="mh-detail" hidden aria-live="polite">
      <div id="mh-detail-name"></div>
      <div id="mh-detail-type"></div>
      <div id="mh-detail-facts"></div>
      <div id="mh-detail-similar"></div>
    </section>
    <h2 id="mh-legend-title">图例 · 筛选</h2>
    <div id="mh-legend"></div>
    <h2 id="mh-facets-title">举措分面</h2>
    <div id="mh-facets"></div>
    <h2 id="mh-results-title">搜索结果</h2>
    <ul id="mh-results"></ul>
  </div>
</div>
<script>
(function () {
  "use strict";
  var META = {{ meta|tojson }};
  var NODES = {{ nodes|tojson }};
  var EDGES = {{ edges|tojson }};
  var OPTIONS = {{ options|safe }};
  var lang = META.lang;
  var hiddenClasses = {};
  var highlighted = null;
  var byClass = {};
  NODES.forEach(function (n) { (byClass[n.c] = byClass[n.c] || []).push(n.id); });
  var COLORS = {};
  META.legend.forEach(function (c) { COLORS[c.key] = c.color; });

  var nodes = new vis.DataSet(NODES);
  var edges = new vis.DataSet(EDGES);
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, OPTIONS);
  window.mhNetwork = network;
  window.mhNodes = nodes;
  window.mhDrawn = false;
  window.mhStabilized = !META.physics;
  window.mhHighlighted = null;

  var status = document.getElementById("mh-status");
  function setStatus(extra) {
    status.textContent = META.nodeCount + " 节点 / " + META.edgeCount + " 条边" +
      (extra ? " · " + extra : "");
  }
  setStatus(META.physics ? "布局中…" : "");

  network.once("afterDrawing", function () {
    window.mhDrawn = true;
    window.mhDrawnAt = performance.now();
  });
  function physicsOff() {
    network.setOptions({physics: {enabled: false}});
    window.mhStabilized = true;
    setStatus("");
  }
  if (META.physics) {
    network.once("stabilizationIterationsDone", physicsOff);
    network.once("stabilized", physicsOff);
    setTimeout(function () { if (!window.mhStabilized) physicsOff(); }, META.physicsCapMs);
  }
  document.getElementById("mh-physics").addEventListener("click", function () {
    network.setOptions({physics: {enabled: true, stabilization: {enabled: true, iterations: 200}}});
    network.stabilize(200);
    network.once("stabilized", physicsOff);
  });

  // ---- shapes as vis-network draws them, for legend swatches and the SVG export
  var SVGNS = "http://www.w3.org/2000/svg";
  function polygon(cx, cy, r, n, rot, inner) {
    var pts = [];
    var k = inner ? 2 * n : n;
    for (var i = 0; i < k; i++) {
      var a = rot + i * 2 * Math.PI / k;
      var rr = inner && i % 2 ? r * inner : r;
      pts.push((cx + rr * Math.cos(a)).toFixed(2) + "," + (cy + rr * Math.sin(a)).toFixed(2));
    }
    return pts.join(" ");
  }
  function shapeElement(shape, cx, cy, r, color) {
    var el;
    if (shape === "square") {
      el = document.createElementNS(SVGNS, "rect");
      el.setAttribute("x", cx - r); el.setAttribute("y", cy - r);
      el.setAttribute("width", 2 * r); el.setAttribute("height", 2 * r);
    } else if (shape === "dot" || shape === "ellipse" || !shape) {
      el = document.createElementNS(SVGNS, "circle");
      el.setAttribute("cx", cx); el.setAttribute("cy", cy); el.setAttribute("r", r);
    } else {
      el = document.createElementNS(SVGNS, "polygon");
      var pts = {
        diamond: function () { return polygon(cx, cy, r, 4, -Math.PI / 2); },
        triangle: function () { return polygon(cx, cy + r * 0.2, r * 1.1, 3, -Math.PI / 2); },
        triangleDown: function () { return polygon(cx, cy - r * 0.2, r * 1.1, 3, Math.PI / 2); },
        hexagon: function () { return polygon(cx, cy, r, 6, 0); },
        star: function () { return polygon(cx, cy, r * 1.15, 5, -Math.PI / 2, 0.45); }
      }[shape];
      el.setAttribute("points", pts ? pts() : polygon(cx, cy, r, 8, 0));
    }
    el.setAttribute("data-shape", shape || "dot");
    el.setAttribute("fill", color);
    el.setAttribute("stroke", "rgba(0,0,0,0.35)");
    el.setAttribute("stroke-width", "1");
    return el;
  }
  function swatch(shape, color) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("class", "mh-swatch");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14");
    svg.setAttribute("data-shape", shape);
    svg.appendChild(shapeElement(shape, 8, 8, 6.5, color));
    return svg;
  }

  // ---- a checkbox row of the legend or the facet filter: box, [swatch], name, count
  function filterRow(rowClass, attr, item, checked, onChange, sw, nameClass) {
    var row = document.createElement("label");
    row.className = rowClass;
    row.setAttribute(attr, item.key);
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", function () { onChange(item.key, box.checked); });
    var name = document.createElement("span");
    if (nameClass) name.className = nameClass;
    name.textContent = lang === "zh" ? item.zh : item.en;
    name.title = item.zh + " · " + item.en;
    var count = document.createElement("span");
    count.className = "mh-count";
    count.textContent = String(item.count);
    row.appendChild(box);
    if (sw) row.appendChild(sw);
    row.appendChild(name); row.appendChild(count);
    return row;
  }

  // ---- legend doubling as class filter
  var legend = document.getElementById("mh-legend");
  function renderLegend() {
    while (legend.firstChild) legend.removeChild(legend.firstChild);
    META.legend.forEach(function (c) {
      legend.appendChild(filterRow("mh-legend-item", "data-class", c, !hiddenClasses[c.key],
                                   setClassVisible, swatch(c.shape, c.color), "mh-class-name"));
    });
  }
  function isHidden(n) { return !!(hiddenClasses[n.c] || (n.fc && hiddenFacets[n.fc])); }
  function setClassVisible(key, visible) {
    if (visible) { delete hiddenClasses[key]; } else { hiddenClasses[key] = true; }
    nodes.update((byClass[key] || []).map(function (id) { return {id: id, hidden: isHidden(NODES[id])}; }));
  }
  window.mhSetClassVisible = setClassVisible;
  renderLegend();

  // ---- facet filter for initiative types
  var hiddenFacets = {};
  var facetBox = document.getElementById("mh-facets");
  function setFacetVisible(key, visible) {
    if (visible) { delete hiddenFacets[key]; } else { hiddenFacets[key] = true; }
    nodes.update(NODES.filter(function (n) { return n.fc === key; })
                      .map(function (n) { return {id: n.id, hidden: isHidden(n)}; }));
  }
  function renderFacets() {
    while (facetBox.firstChild) facetBox.removeChild(facetBox.firstChild);
    document.getElementById("mh-facets-title").hidden = !META.facets.length;
    META.facets.forEach(function (f) {
      facetBox.appendChild(filterRow("mh-facet-item", "data-facet", f, !hiddenFacets[f.key],
                                     setFacetVisible, null, ""));
    });
  }
  window.mhSetFacetVisible = setFacetVisible;
  renderFacets();

  // ---- edge captions: off at first, on a toggle
  var edgeButton = document.getElementById("mh-edges");
  var edgeLabels = false;
  function setEdgeLabels(on) {
    edgeLabels = on;
    var withLabels = EDGES.filter(function (e) { return e.lz !== undefined; });
    edges.update(withLabels.map(function (e) {
      return {id: e.id, label: on ? (lang === "zh" ? e.lz : e.le) : null};
    }));
    edgeButton.setAttribute("aria-pressed", on ? "true" : "false");
    window.mhEdgeLabels = on;
  }
  edgeButton.hidden = !META.edgeLabels;
  edgeButton.addEventListener("click", function () { setEdgeLabels(!edgeLabels); });
  window.mhEdgeLabels = false;

  // ---- zh / en labels
  var langButton = document.getElementById("mh-lang");
  function setLang(l) {
    lang = l;
    nodes.update(NODES.map(function (n) { return {id: n.id, label: l === "zh" ? n.lz : n.le}; }));
    if (edgeLabels) setEdgeLabels(true);
    langButton.textContent = l === "zh" ? "English" : "中文";
    edgeButton.textContent = l === "zh" ? "边标签" : "Edge labels";
    document.getElementById("mh-facets-title").textContent = l === "zh" ? "举措分面" : "Initiative facets";
    document.getElementById("mh-legend-title").textContent =
      l === "zh" ? "图例 · 筛选" : "Legend · filter";
    document.getElementById("mh-results-title").textContent =
      l === "zh" ? "搜索结果" : "Search results";
    renderLegend();
    renderFacets();
    if (shown !== null) showDetail(shown);
  }
  langButton.addEventListener("click", function () { setLang(lang === "zh" ? "en" : "zh"); });
  if (lang === "en") { langButton.textContent = "中文"; }
  window.mhSetLang = setLang;

  // ---- side panel: the selected node's facts grouped by kind, with quote and source
  var detail = document.getElementById("mh-detail");
  var shown = null;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function hideDetail() { shown = null; detail.hidden = true; window.mhDetail = null; }
  function showDetail(id) {
    var n = NODES[id];
    shown = id;
    var zh = lang === "zh";
    document.getElementById("mh-detail-name").textContent = zh ? n.nz : n.ne;
    var cls = META.legend.filter(function (c) { return c.key === n.c; })[0];
    document.getElementById("mh-detail-type").textContent =
      (cls ? (zh ? cls.zh : cls.en) : n.c) + (n.fc ? " · " + (zh ? n.fc : n.fe) : "");
    var box = document.getElementById("mh-detail-facts");
    clear(box);
    var groups = [], byKind = {};
    (n.f || []).forEach(function (f) {
      if (!byKind[f[0]]) { byKind[f[0]] = []; groups.push(f); }
      byKind[f[0]].push(f);
    });
    groups.forEach(function (g) {
      var h = el("h3", "mh-fact-kind", zh ? g[0] : g[1]);
      h.setAttribute("data-kind", g[1]);
      box.appendChild(h);
      var ul = el("ul");
      byKind[g[0]].forEach(function (f) {
        var li = el("li", "mh-fact");
        li.appendChild(el("span", "mh-fact-text", f[2]));
        if (f[3]) li.appendChild(el("q", "mh-fact-quote", f[3]));
        if (f[4]) {
          li.appendChild(el("span", "mh-fact-source",
            (zh ? "出处 " : "source ") + f[4] + (f[5] !== null ? " [" + f[5] + "–" + f[6] + "]" : "")));
        }
        ul.appendChild(li);
      });
      box.appendChild(ul);
    });
    var sim = document.getElementById("mh-detail-similar");
    clear(sim);
    if (n.sim && n.sim.length) {
      sim.appendChild(el("h3", null, zh ? "相似项目（共享举措）" : "Projects like this one"));
      var ul = el("ul", "mh-similar");
      n.sim.forEach(function (s) {
        var li = el("li", "mh-similar-item", s.n + "  ·  " + (zh ? "共享 " : "shared ") + s.w);
        li.appendChild(el("span", "mh-shared", s.s));
        if (s.id !== null && s.id !== undefined) {
          li.setAttribute("data-id", String(s.id));
          li.addEventListener("click", function () { choose(NODES[s.id]); });
        }
        ul.appendChild(li);
      });
      sim.appendChild(ul);
    }
    detail.hidden = false;
    window.mhDetail = {id: id, facts: (n.f || []).length, groups: groups.length,
                       similar: (n.sim || []).length};
  }
  window.mhShowDetail = showDetail;

  // ---- neighbourhood highlight: click a node, click it again (or the background) to clear
  var DIM = {background: "#eeeeee", border: "#dddddd"};
  function clearHighlight() {
    if (highlighted === null) return;
    nodes.update(NODES.map(function (n) {
      return {id: n.id, color: COLORS[n.c] || n.color, font: {color: "#222222"}};
    }));
    highlighted = null;
    window.mhHighlighted = null;
    network.unselectAll();
    hideDetail();
  }
  function highlight(id) {
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (m) {
      keep[m] = true;
      // a project and its compound are one thing to a reader: show the compound's links too
      if (NODES[id].c === "project" && NODES[m].c === "compound") {
        network.getConnectedNodes(m).forEach(function (k) { keep[k] = true; });
      }
    });
    nodes.update(NODES.map(function (n) {
      return keep[n.id] ? {id: n.id, color: COLORS[n.c] || n.color, font: {color: "#222222"}}
                        : {id: n.id, color: DIM, font: {color: "#cccccc"}};
    }));
    highlighted = id;
    window.mhHighlighted = {id: id, neighbours: Object.keys(keep).length - 1};
    network.selectNodes([id]);
    showDetail(id);
  }
  network.on("click", function (params) {
    if (!params.nodes.length) { clearHighlight(); return; }
    var id = params.nodes[0];
    if (highlighted === id) { clearHighlight(); } else { highlight(id); }
  });
  window.mhHighlight = function (id) {
    if (highlighted === id) { clearHighlight(); } else { highlight(id); }
  };

  // ---- search: zh label, aliases, English, pinyin, pinyin initials
  var searchBox = document.getElementById("mh-search");
  var results = document.getElementById("mh-results");
  function norm(q) { return q.toLowerCase().replace(/\s+/g, ""); }
  function search(q) {
    q = norm(q);
    var found = [];
    if (q) {
      for (var i = 0; i < NODES.length && found.length < 50; i++) {
        if (NODES[i].s.indexOf(q) !== -1 && !isHidden(NODES[i])) found.push(NODES[i]);
      }
      found.sort(function (a, b) { return a.nz.length - b.nz.length; });
    }
    return found;
  }
  function choose(n) {
    network.focus(n.id, {scale: 1.2, animation: false});
    if (highlighted !== n.id) { clearHighlight(); highlight(n.id); }
    window.mhSearchSelected = n.id;
  }
  function showResults(found) {
    while (results.firstChild) results.removeChild(results.firstChild);
    found.slice(0, 20).forEach(function (n) {
      var li = document.createElement("li");
      li.className = "mh-result";
      li.setAttribute("data-id", String(n.id));
      li.textContent = lang === "zh" ? n.nz : n.ne;
      li.addEventListener("click", function () { choose(n); });
      results.appendChild(li);
    });
  }
  searchBox.addEventListener("input", function () {
    var found = search(searchBox.value);
    showResults(found);
    window.mhLastSearch = {query: searchBox.value, ids: found.map(function (n) { return n.id; })};
    if (found.length) { network.selectNodes([found[0].id]); }
  });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = search(searchBox.value);
      if (found.length) choose(found[0]);
    }
  });
  window.mhSearch = search;

  // ---- PNG and SVG export of the current view (data: URLs, no network)
  function download(name, href) {
    var a = document.createElement("a");
    a.download = name;
    a.href = href;
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
  }
  document.getElementById("mh-png").addEventListener("click", function () {
    var canvas = container.getElementsByTagName("canvas")[0];
    download("meihao-kg.png", canvas.toDataURL("image/png"));
  });
  function exportSVG() {
    var visible = NODES.filter(function (n) { return !nodes.get(n.id).hidden; });
    var ids = visible.map(function (n) { return n.id; });
    var pos = network.getPositions(ids);
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    ids.forEach(function (id) {
      minX = Math.min(minX, pos[id].x); maxX = Math.max(maxX, pos[id].x);
      minY = Math.min(minY, pos[id].y); maxY = Math.max(maxY, pos[id].y);
    });
    if (!ids.length) { minX = minY = 0; maxX = maxY = 1; }
    var pad = 80;
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("xmlns", SVGNS);
    svg.setAttribute("viewBox", (minX - pad) + " " + (minY - pad) + " " +
                     (maxX - minX + 2 * pad) + " " + (maxY - minY + 2 * pad));
    svg.setAttribute("font-family", META.font);
    var title = document.createElementNS(SVGNS, "title");
    title.textContent = document.getElementById("mh-title").textContent;
    svg.appendChild(title);
    var gEdges = document.createElementNS(SVGNS, "g");
    gEdges.setAttribute("class", "edges");
    gEdges.setAttribute("stroke", "#b8b8b8");
    var shownIds = {};
    ids.forEach(function (id) { shownIds[id] = true; });
    edges.get().forEach(function (e) {
      if (!shownIds[e.from] || !shownIds[e.to]) return;
      var line = document.createElementNS(SVGNS, "line");
      line.setAttribute("x1", pos[e.from].x); line.setAttribute("y1", pos[e.from].y);
      line.setAttribute("x2", pos[e.to].x); line.setAttribute("y2", pos[e.to].y);
      gEdges.appendChild(line);
    });
    svg.appendChild(gEdges);
    var gNodes = document.createElementNS(SVGNS, "g");
    gNodes.setAttribute("class", "nodes");
    visible.forEach(function (n) {
      var cur = nodes.get(n.id);
      var colour = typeof cur.color === "string" ? cur.color : (cur.color && cur.color.background) || n.color;
      var g = document.createElementNS(SVGNS, "g");
      g.setAttribute("data-id", String(n.id));
      g.appendChild(shapeElement(n.shape, pos[n.id].x, pos[n.id].y, (n.size || 10) * 0.8, colour));
      var text = document.createElementNS(SVGNS, "text");
      text.setAttribute("x", pos[n.id].x);
      text.setAttribute("y", pos[n.id].y + (n.size || 10) + 12);
      text.setAttribute("text-anchor", "middle");
      text.setAttribute("font-size", String((n.font && n.font.size) || 12));
      (lang === "zh" ? n.lz : n.le).split("\n").forEach(function (part, i) {
        var span = document.createElementNS(SVGNS, "tspan");
        span.setAttribute("x", pos[n.id].x);
        if (i) span.setAttribute("dy", "1.2em");
        span.textContent = part;
        text.appendChild(span);
      });
      g.appendChild(text);
      gNodes.appendChild(g);
    });
    svg.appendChild(gNodes);
    return new XMLSerializer().serializeToString(svg);
  }
  window.mhSVG = exportSVG;
  document.getElementById("mh-svg").addEventListener("click", function () {
    download("meihao-kg.svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(exportSVG()));
  });
})();
</script>
</body>
</html>
"""
