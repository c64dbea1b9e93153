"""Render a projected graph as one self-contained, offline, Chinese-ready HTML page.

The only module that imports pyvis.

Input: a networkx graph from ``meihao_kg.projection`` (nodes with ``label_zh``, ``label_en``,
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
* offers a legend by class that doubles as class filter, a search box (zh label, aliases,
  English, full pinyin and pinyin initials), a zh/en label toggle, neighbourhood highlight on
  click (cleared by a second click), PNG export, and physics that switches itself off once the
  layout has stabilised;
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

from meihao_kg.projection import CLASSES, fast_layout

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
_MAX_FIGURES = 20
_MAX_QUOTES = 8
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
    if data.get("iri"):
        lines.append(str(data["iri"]))
    return "\n".join(lines)


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
            "font": {"face": FONT_STACK, "size": 14, "color": "#222222", "multi": False},
            "borderWidth": 1,
            "scaling": {"label": {"drawThreshold": 6}},
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
        if positions is not None and node in positions:
            x, y = positions[node]
            item["x"] = float(x)
            item["y"] = float(y)
        nodes.append(item)

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
        if show_edge_labels and ez:
            edge["label"] = ez if lang == "zh" else en
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
  #mh-side { width: 15em; overflow-y: auto; border-left: 1px solid #ddd; padding: 6px 8px;
             font-size: 13px; }
  #mh-side h2 { font-size: 13px; margin: 8px 0 4px; }
  #mh-legend label { display: flex; align-items: center; gap: 6px; margin: 2px 0; cursor: pointer; }
  .mh-swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid rgba(0,0,0,.3); }
  .mh-swatch.dot, .mh-swatch.ellipse { border-radius: 50%; }
  .mh-swatch.diamond { transform: rotate(45deg) scale(.85); }
  .mh-swatch.star, .mh-swatch.triangle, .mh-swatch.triangleDown, .mh-swatch.hexagon {
    border-radius: 2px 2px 50% 50%; }
  .mh-count { color: #888; margin-left: auto; }
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
  <button id="mh-png" type="button">PNG</button>
  <span id="mh-status"></span>
</div>
<div id="mh-main">
  <div id="mynetwork"></div>
  <div id="mh-side">
    <h2 id="mh-legend-title">图例 · 筛选</h2>
    <div id="mh-legend"></div>
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

  // ---- legend doubling as class filter
  var legend = document.getElementById("mh-legend");
  function renderLegend() {
    while (legend.firstChild) legend.removeChild(legend.firstChild);
    META.legend.forEach(function (c) {
      var row = document.createElement("label");
      row.className = "mh-legend-item";
      row.setAttribute("data-class", c.key);
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = !hiddenClasses[c.key];
      box.addEventListener("change", function () { setClassVisible(c.key, box.checked); });
      var sw = document.createElement("span");
      sw.className = "mh-swatch " + c.shape;
      sw.style.background = c.color;
      var name = document.createElement("span");
      name.className = "mh-class-name";
      name.textContent = lang === "zh" ? c.zh : c.en;
      name.title = c.zh + " · " + c.en;
      var count = document.createElement("span");
      count.className = "mh-count";
      count.textContent = String(c.count);
      row.appendChild(box); row.appendChild(sw); row.appendChild(name); row.appendChild(count);
      legend.appendChild(row);
    });
  }
  function setClassVisible(key, visible) {
    if (visible) { delete hiddenClasses[key]; } else { hiddenClasses[key] = true; }
    nodes.update((byClass[key] || []).map(function (id) { return {id: id, hidden: !visible}; }));
  }
  window.mhSetClassVisible = setClassVisible;
  renderLegend();

  // ---- zh / en labels
  var langButton = document.getElementById("mh-lang");
  function setLang(l) {
    lang = l;
    nodes.update(NODES.map(function (n) { return {id: n.id, label: l === "zh" ? n.lz : n.le}; }));
    var withLabels = EDGES.filter(function (e) { return e.lz !== undefined; });
    if (withLabels.length) {
      edges.update(withLabels.map(function (e) {
        return {id: e.id, label: l === "zh" ? e.lz : e.le};
      }));
    }
    langButton.textContent = l === "zh" ? "English" : "中文";
    document.getElementById("mh-legend-title").textContent =
      l === "zh" ? "图例 · 筛选" : "Legend · filter";
    document.getElementById("mh-results-title").textContent =
      l === "zh" ? "搜索结果" : "Search results";
    renderLegend();
  }
  langButton.addEventListener("click", function () { setLang(lang === "zh" ? "en" : "zh"); });
  if (lang === "en") { langButton.textContent = "中文"; }
  window.mhSetLang = setLang;

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
  }
  function highlight(id) {
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (m) { keep[m] = true; });
    nodes.update(NODES.map(function (n) {
      return keep[n.id] ? {id: n.id, color: COLORS[n.c] || n.color, font: {color: "#222222"}}
                        : {id: n.id, color: DIM, font: {color: "#cccccc"}};
    }));
    highlighted = id;
    window.mhHighlighted = {id: id, neighbours: Object.keys(keep).length - 1};
    network.selectNodes([id]);
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
        if (NODES[i].s.indexOf(q) !== -1 && !hiddenClasses[NODES[i].c]) found.push(NODES[i]);
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

  // ---- PNG export (a data: URL, no network)
  document.getElementById("mh-png").addEventListener("click", function () {
    var canvas = container.getElementsByTagName("canvas")[0];
    var a = document.createElement("a");
    a.download = "meihao-kg.png";
    a.href = canvas.toDataURL("image/png");
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
  });
})();
</script>
</body>
</html>
"""
