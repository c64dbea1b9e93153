// The saved queries as forms; results as a table.  Every value is inserted as text
// (textContent), never as markup.
(function () {
  "use strict";
  var PROJECT_COLUMNS = {project: true};
  // rows fetched at a time (?rows=N in the page address changes it); downloads have every row
  var PAGE = Math.max(1, Number(new URLSearchParams(location.search).get("rows")) || 200);
  var shownRows = 0, more = null;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function bi(zh, en) {
    var f = document.createDocumentFragment();
    f.appendChild(el("span", {"class": "zh"}, zh));
    f.appendChild(el("span", {"class": "en"}, en));
    return f;
  }

  function runUrl(name, params, format) {
    var q = new URLSearchParams(params);
    if (format) { q.set("format", format); }
    var s = q.toString();
    return "/api/run/" + encodeURIComponent(name) + (s ? "?" + s : "");
  }

  function fetchRows(query, params, offset) {
    var page = Object.assign({}, params, {limit: String(PAGE), offset: String(offset)});
    return fetch(runUrl(query.name, page)).then(function (r) { return r.json(); });
  }

  function showMore(query, params, data) {
    var button = document.getElementById("more-rows");
    var count = document.getElementById("result-count");
    count.textContent = shownRows + (shownRows === 1 ? " row" : " rows") + (data.more ? ", more follow" : "");
    button.hidden = !data.more;
    more = data.more ? function () {
      button.disabled = true;
      fetchRows(query, params, shownRows).then(function (next) {
        button.disabled = false;
        showResult(query, params, next, true);
      }).catch(function (e) { button.disabled = false; showResult(query, params, {error: String(e)}); });
    } : null;
  }

  function showResult(query, params, data, append) {
    var section = document.getElementById("result");
    section.hidden = false;
    var title = document.getElementById("result-title");
    title.textContent = "";
    title.appendChild(bi(query.title_zh, query.title_en));
    document.getElementById("dl-csv").href = runUrl(query.name, params, "csv");
    document.getElementById("dl-json").href = runUrl(query.name, params, "download-json");
    var err = document.getElementById("result-error");
    var table = document.getElementById("result-table");
    var thead = table.tHead, tbody = table.tBodies[0];
    var count = document.getElementById("result-count");
    if (data.error) {
      thead.textContent = ""; tbody.textContent = "";
      err.hidden = false; err.textContent = data.error; count.textContent = "";
      document.getElementById("more-rows").hidden = true;
      window.mhResultShown = (window.mhResultShown || 0) + 1;
      return;
    }
    err.hidden = true;
    if (!append) {
      thead.textContent = ""; tbody.textContent = ""; shownRows = 0;
      var hr = el("tr");
      data.columns.forEach(function (c) { hr.appendChild(el("th", {}, c)); });
      thead.appendChild(hr);
    }
    shownRows += data.rows.length;
    var projectCol = data.columns.indexOf("project");
    var nameCol = data.columns.indexOf("name");
    data.rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (v, i) {
        var td = el("td");
        var link = (PROJECT_COLUMNS[data.columns[i]] || (i === nameCol && projectCol >= 0 && query.columns[0] === "project"))
          && projectCol >= 0 && /^https?:\/\//.test(row[projectCol]);
        if (link) {
          td.appendChild(el("a", {href: "/project?iri=" + encodeURIComponent(row[projectCol]), "class": "project-link"}, v));
        } else {
          td.textContent = v;
        }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    showMore(query, params, data);
    window.mhResultShown = (window.mhResultShown || 0) + 1;
  }

  function form(query) {
    var f = el("form", {"class": "query-form", "data-query": query.name});
    query.params.forEach(function (p) {
      var label = el("label");
      label.appendChild(el("span", {"class": "param-name"}, p.name + (p.required ? " *" : "")));
      var input = el("input", {name: p.name, type: "text", placeholder: p.help || p.name});
      if (p.required) { input.required = true; }
      label.appendChild(input);
      f.appendChild(label);
    });
    var button = el("button", {type: "submit"});
    button.appendChild(bi("查询", "Run"));
    f.appendChild(button);
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var params = {};
      new FormData(f).forEach(function (v, k) { if (String(v).trim()) { params[k] = String(v); } });
      fetchRows(query, params, 0)
        .then(function (data) { showResult(query, params, data); })
        .catch(function (e) { showResult(query, params, {error: String(e)}); });
    });
    return f;
  }

  document.getElementById("more-rows").addEventListener("click", function () { if (more) { more(); } });

  fetch("/api/queries").then(function (r) { return r.json(); }).then(function (queries) {
    var list = document.getElementById("queries");
    queries.forEach(function (q) {
      var li = el("li", {"class": "query", id: "q-" + q.name});
      var h = el("h3");
      h.appendChild(bi(q.title_zh, q.title_en));
      h.appendChild(el("code", {"class": "query-name"}, q.name));
      li.appendChild(h);
      if (q.description) { li.appendChild(el("p", {"class": "description en-only"}, q.description)); }
      li.appendChild(form(q));
      list.appendChild(li);
    });
    window.mhReady = true;
  });
})();
