// The interactive view's script: search, legend and facet filters, the side panel with
// evidence, language switch, layout, PNG/SVG export.  Data arrive in window.MEIHAO_VIEW,
// written by meihao_kg/view/render.py into the page before this script.
(function () {
  "use strict";
  var DATA = window.MEIHAO_VIEW;
  var META = DATA.meta;
  var NODES = DATA.nodes;
  var EDGES = DATA.edges;
  var OPTIONS = DATA.options;
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
