/* orgkit report: sortable tables that scroll inside their block, and the explorable org chart.
 *
 * Inlined at the end of report.html after the vendored d3 (static/vendor/d3), so the file works offline:
 * nothing here loads anything. Every text a reader sees comes from the report (the org chart's JSON, the
 * tables' data attributes), in the report's language. Without JavaScript the report reads as before.
 */
(function () {
  "use strict";

  /* ------------------------------------------------------------------ helpers */
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  function onReady(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* ------------------------------------------------------------------ tables */
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

  /* A cell as a number when it reads as one: "1,234", "−0.88", "12 %", "25%"; null when it is not. */
  function parseNumber(text) {
    var t = text.replace(/[\s\u00a0\u202f,]/g, "").replace(/^[\u2212\u2012]/, "-").replace(/[%\u2030]$/, "");
    return NUMBER.test(t) ? parseFloat(t) : null;
  }

  function isMissing(td) {
    var text = td.textContent.trim();
    return td.classList.contains("ok-na") || text === "" || text === "\u2013" || text === "-";
  }

  function sortKey(td) {
    if (isMissing(td)) return { missing: true, num: null, text: "" };
    var raw = td.getAttribute("data-sort");
    var text = td.textContent.trim();
    var num = raw !== null && raw !== "" && isFinite(+raw) ? +raw : parseNumber(text);
    return { missing: false, num: num, text: text };
  }

  function makeSortable(table, collator, hint) {
    var head = table.tHead, body = table.tBodies[0];
    if (!head || !body || body.rows.length < 2 || !head.rows.length) return;
    var headers = Array.prototype.slice.call(head.rows[head.rows.length - 1].cells);
    headers.forEach(function (th, col) {
      if (th.querySelector("button.ok-sort")) return;
      var button = el("button", { type: "button", "class": "ok-sort" });
      if (hint) button.title = hint;
      while (th.firstChild) button.appendChild(th.firstChild);
      button.appendChild(el("span", { "class": "ok-sort-icon", "aria-hidden": "true" }));
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortRows(body, col, ascending, collator);
      });
    });
    table.classList.add("ok-sortable");
  }

  function sortRows(body, col, ascending, collator) {
    var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
      var cell = row.cells[col];
      return { row: row, i: i, key: cell ? sortKey(cell) : { missing: true, num: null, text: "" } };
    });
    var present = rows.filter(function (r) { return !r.key.missing; });
    var numeric = present.length > 0 && present.every(function (r) { return r.key.num !== null; });
    var sign = ascending ? 1 : -1;
    rows.sort(function (a, b) {
      if (a.key.missing !== b.key.missing) return a.key.missing ? 1 : -1; // missing values last, either way
      if (a.key.missing) return a.i - b.i;
      var c = numeric ? a.key.num - b.key.num : collator.compare(a.key.text, b.key.text);
      return c !== 0 ? sign * c : a.i - b.i;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r.row); });
    body.appendChild(frag);
  }

  /* A table wider than its block scrolls inside it; the block then says so, and the key column casts a shade. */
  function watchOverflow(wrap) {
    function update() {
      var overflows = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("ok-overflows", overflows);
      wrap.classList.toggle("ok-at-end", !overflows || wrap.scrollLeft + wrap.clientWidth >= wrap.scrollWidth - 1);
      wrap.classList.toggle("ok-at-start", wrap.scrollLeft <= 0);
    }
    wrap.addEventListener("scroll", update, { passive: true });
    update();
    return update;
  }

  function initTables() {
    var lang = (document.documentElement.getAttribute("lang") || "en");
    var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
    var updates = [];
    Array.prototype.forEach.call(document.querySelectorAll(".ok-table-wrap"), function (wrap) {
      var table = wrap.querySelector("table.ok-table");
      if (table) makeSortable(table, collator, wrap.getAttribute("data-sort-hint"));
      updates.push(watchOverflow(wrap));
    });
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) cancelAnimationFrame(pending);
      pending = requestAnimationFrame(function () { updates.forEach(function (u) { u(); }); });
    });
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(function () { updates.forEach(function (u) { u(); }); });
    }
  }

  /* ------------------------------------------------------------------ org chart explorer */
  var PERSON = 0, POOL = 1, ORGANISATION = 2;
  var CARD_W = 330, CARD_H = 44, ROW = 54, COLUMN = 380, MAX_RESULTS = 8;

  function Explorer(container) {
    var d3 = window.d3;
    var data = JSON.parse(container.querySelector("script.ok-explorer-data").textContent);
    var T = data.texts;
    var numberFormat = new Intl.NumberFormat(data.lang === "zh" ? "zh-CN" : "en");
    var N = data.children.length;
    var self = this;

    function text(key, n, values) {
      var forms = T[key];
      var form = forms.length > 1 && n !== 1 ? forms[1] : forms[0];
      var v = values || {};
      if (n != null) v.n = numberFormat.format(n);
      return fill(form, v);
    }

    // the tree: breadth-first arrays, children of a node side by side
    var parent = new Int32Array(N), first = new Int32Array(N), kind = new Uint8Array(N), via = new Uint8Array(N);
    var next = 1;
    parent[0] = -1;
    for (var i = 0; i < N; i++) {
      first[i] = next;
      for (var c = 0; c < data.children[i]; c++) parent[next++] = i;
    }
    Object.keys(data.kind).forEach(function (k) { kind[+k] = data.kind[k]; });
    data.via.forEach(function (k) { via[k] = 1; });
    var expanded = new Uint8Array(N);

    function label(i) {
      if (kind[i] === POOL) return T.other[0];
      if (kind[i] === ORGANISATION) return T.organisation[0];
      var id = data.id[i], title = data.title[i] >= 0 ? data.titles[data.title[i]] : "";
      var name = data.name ? data.name[i] : "";
      if (!id) return data.role || title;
      if (name) return fill(T.person_name[0], { name: name, id: id });
      return title ? fill(T.person_title[0], { id: id, title: title }) : id;
    }

    function details(i) {
      var parts = [];
      if (kind[i] === POOL) return [data.team[i] >= 0 ? text("pool_count", data.team[i]) : T.pool[0]];
      if (kind[i] === ORGANISATION) return [text("team", data.people)];
      if (data.dept[i] >= 0) parts.push(data.departments[data.dept[i]]);
      if (data.span[i] > 0) parts.push(text("span", data.span[i]));
      if (data.team[i] > 0) parts.push(text("team", data.team[i]));
      return parts;
    }

    function describe(i) {
      var parts = [label(i)].concat(details(i));
      if (data.layer[i] > 0) parts.push(text("layer", data.layer[i]));
      if (via[i]) parts.push(T.via[0]);
      return parts.join(" \u00b7 ");
    }

    function color(i) {
      if (kind[i] === POOL) return "#c3c9d1";
      var d = data.dept[i];
      return d >= 0 && data.colors[d] ? data.colors[d] : "#2b5d8a";
    }

    function build(i) {
      var node = { i: i };
      if (expanded[i] && data.children[i] > 0) {
        node.children = [];
        for (var k = first[i]; k < first[i] + data.children[i]; k++) node.children.push(build(k));
      }
      return node;
    }

    // --- the page: a toolbar, the chart, a live region
    container.classList.add("ok-explorer-live");
    var bar = el("div", { "class": "ok-x-bar" });
    var searchBox = el("div", { "class": "ok-x-search" });
    var listId = "ok-x-results-" + Math.random().toString(36).slice(2);
    var input = el("input", {
      type: "search", "class": "ok-x-input", placeholder: T.search_placeholder[0], "aria-label": T.search_label[0],
      role: "combobox", "aria-expanded": "false", "aria-controls": listId, "aria-autocomplete": "list", autocomplete: "off"
    });
    var results = el("ul", { "class": "ok-x-results", id: listId, role: "listbox", hidden: "" });
    searchBox.appendChild(input);
    searchBox.appendChild(results);
    var tools = el("div", { "class": "ok-x-tools" });
    function tool(name, symbol) {
      var b = el("button", { type: "button", "class": "ok-x-tool ok-x-" + name, title: T[name][0], "aria-label": T[name][0] }, symbol);
      tools.appendChild(b);
      return b;
    }
    var zoomIn = tool("zoom_in", "+"), zoomOut = tool("zoom_out", "\u2212"), reset = tool("reset", "\u2302");
    bar.appendChild(searchBox);
    bar.appendChild(tools);
    var hint = el("p", { "class": "ok-x-hint" }, T.hint[0]);
    var live = el("p", { "class": "ok-x-live", "aria-live": "polite" });
    container.appendChild(bar);
    container.appendChild(hint);
    var svg = d3.select(container).append("svg").attr("class", "ok-x-chart").attr("role", "tree");
    var heading = container.parentNode && container.parentNode.querySelector("h3[id]");
    if (heading) svg.attr("aria-labelledby", heading.id); else svg.attr("aria-label", T.organisation[0]);
    container.appendChild(live);
    var view = svg.append("g");
    var linkLayer = view.append("g").attr("class", "ok-x-links");
    var nodeLayer = view.append("g").attr("class", "ok-x-nodes");

    var zoom = d3.zoom().scaleExtent([0.2, 2.5])
      .filter(function (event) { // the page scrolls on a plain wheel; Ctrl + wheel (and a pinch) zooms
        if (event.type === "wheel") return event.ctrlKey || event.metaKey;
        return !event.button;
      })
      .on("zoom", function (event) { view.attr("transform", event.transform); });
    svg.call(zoom).on("dblclick.zoom", null);

    var duration = reducedMotion ? 0 : 250;
    var positions = {};
    var highlighted = -1;

    function size() {
      var box = svg.node().getBoundingClientRect();
      return [box.width || 800, box.height || 520];
    }

    function layout() {
      var root = d3.hierarchy(build(0));
      d3.tree().nodeSize([ROW, COLUMN]).separation(function (a, b) { return a.parent === b.parent ? 1 : 1.2; })(root);
      return root;
    }

    function fitText(node, full, width) {
      node.textContent = full;
      if (node.getComputedTextLength() <= width) return;
      var lo = 0, hi = full.length;
      while (lo < hi) { // the longest start of the text that fits, with an ellipsis
        var mid = (lo + hi + 1) >> 1;
        node.textContent = full.slice(0, mid) + "\u2026";
        if (node.getComputedTextLength() <= width) lo = mid; else hi = mid - 1;
      }
      node.textContent = full.slice(0, lo) + "\u2026";
    }

    function render(focus) { // focus: the node clicked (its team grows out of it); null draws in place
      var root = layout();
      var nodes = root.descendants(), links = root.links();
      var origin = focus != null && positions[focus] ? positions[focus] : { x: 0, y: 0 };
      var t = focus != null && duration ? svg.transition().duration(duration) : null;
      function moved(selection) { return t ? selection.transition(t) : selection; }

      var link = linkLayer.selectAll("path").data(links, function (d) { return d.target.data.i; });
      link.exit().remove();
      var path = d3.linkHorizontal().x(function (p) { return p[0]; }).y(function (p) { return p[1]; });
      function ends(d, from) {
        var s = from || d.source, e = from || d.target;
        return { source: [s.y + CARD_W, s.x], target: [e.y, e.x] };
      }
      link.enter().append("path")
        .attr("class", function (d) { return "ok-x-link" + (via[d.target.data.i] ? " ok-x-via" : ""); })
        .attr("d", function () { return path(ends(null, { x: origin.x, y: origin.y })); })
        .merge(link).call(function (all) { moved(all).attr("d", function (d) { return path(ends(d)); }); });

      var node = nodeLayer.selectAll("g.ok-x-node").data(nodes, function (d) { return d.data.i; });
      node.exit().remove();
      var entered = node.enter().append("g")
        .attr("class", function (d) {
          var i = d.data.i;
          return "ok-x-node ok-x-" + ["person", "pool", "organisation"][kind[i]] + (data.children[i] > 0 ? " ok-x-manager" : "");
        })
        .attr("data-i", function (d) { return d.data.i; })
        .attr("data-parent", function (d) { return parent[d.data.i]; })
        .attr("data-id", function (d) { return data.id[d.data.i] || null; })
        .attr("tabindex", 0)
        .attr("role", "treeitem")
        .attr("aria-level", function (d) { return d.depth + 1; })
        .attr("aria-label", function (d) { return describe(d.data.i); })
        .attr("transform", "translate(" + origin.y + "," + origin.x + ")");
      entered.append("title").text(function (d) { return describe(d.data.i); });
      entered.append("rect").attr("class", "ok-x-card").attr("x", 0).attr("y", -CARD_H / 2)
        .attr("width", CARD_W).attr("height", CARD_H).attr("rx", 5)
        .style("stroke", function (d) { return color(d.data.i); });
      entered.append("rect").attr("class", "ok-x-stripe").attr("x", 0).attr("y", -CARD_H / 2)
        .attr("width", 5).attr("height", CARD_H).style("fill", function (d) { return color(d.data.i); });
      entered.append("text").attr("class", "ok-x-label").attr("x", 12).attr("y", -4)
        .each(function (d) { fitText(this, label(d.data.i), CARD_W - 44); });
      entered.append("text").attr("class", "ok-x-detail").attr("x", 12).attr("y", 13)
        .each(function (d) { fitText(this, details(d.data.i).join(" \u00b7 "), CARD_W - 44); });
      var toggle = entered.filter(function (d) { return data.children[d.data.i] > 0; }).append("g")
        .attr("class", "ok-x-toggle").attr("transform", "translate(" + (CARD_W - 16) + ",0)");
      toggle.append("circle").attr("r", 9);
      toggle.append("text").attr("class", "ok-x-sign").attr("text-anchor", "middle").attr("dy", "0.35em");
      entered.on("click", function (event, d) { self.toggle(d.data.i); })
        .on("keydown", function (event, d) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); self.toggle(d.data.i); }
        });

      var all = entered.merge(node);
      all.classed("ok-x-open", function (d) { return !!expanded[d.data.i]; })
        .classed("ok-x-hit", function (d) { return d.data.i === highlighted; })
        .attr("aria-expanded", function (d) {
          return data.children[d.data.i] > 0 ? String(!!expanded[d.data.i]) : null;
        });
      all.select(".ok-x-sign").text(function (d) { return expanded[d.data.i] ? "\u2212" : "+"; });
      all.select(".ok-x-toggle").select("title").remove();
      all.select(".ok-x-toggle").append("title").text(function (d) {
        return expanded[d.data.i] ? T.collapse[0] : T.expand[0];
      });
      moved(all).attr("transform", function (d) { return "translate(" + d.y + "," + d.x + ")"; });
      positions = {};
      nodes.forEach(function (d) { positions[d.data.i] = { x: d.x, y: d.y }; });
      return root;
    }

    function centre(i, scale, across) {
      var p = positions[i];
      if (!p) return;
      var s = size(), k = scale || d3.zoomTransform(svg.node()).k;
      var x = Math.max(12, s[0] * across - (CARD_W / 2) * k);
      var target = d3.zoomIdentity.translate(x - p.y * k, s[1] / 2 - p.x * k).scale(k);
      svg.transition().duration(duration).call(zoom.transform, target);
    }

    function fitAll(root) {
      var s = size(), top = Infinity, bottom = -Infinity, right = 0;
      root.each(function (d) { top = Math.min(top, d.x); bottom = Math.max(bottom, d.x); right = Math.max(right, d.y); });
      var h = bottom - top + ROW, w = right + CARD_W + 40;
      var k = Math.max(0.8, Math.min(1, s[1] / h, s[0] / w)); // never smaller than reads well: pan for the rest
      var middle = k * h <= s[1] ? (top + bottom) / 2 : 0; // the root in the middle when the layers do not fit
      svg.call(zoom.transform, d3.zoomIdentity.translate(20, s[1] / 2 - middle * k).scale(k));
    }

    this.toggle = function (i) {
      if (!(data.children[i] > 0)) return;
      expanded[i] = expanded[i] ? 0 : 1;
      render(i);
      if (expanded[i]) centre(i, null, 0.2);
    };

    this.reveal = function (i) {
      for (var a = parent[i]; a >= 0; a = parent[a]) expanded[a] = 1;
      highlighted = i;
      render(i);
      centre(i, Math.max(d3.zoomTransform(svg.node()).k, 0.8), 0.6);
      var g = nodeLayer.select('g.ok-x-node[data-i="' + i + '"]').node();
      if (g && g.focus) g.focus({ preventScroll: true });
      live.textContent = fill(T.found[0], { person: label(i) });
    };

    function start() {
      expanded = new Uint8Array(N);
      expanded[0] = 1;
      if (kind[0] === ORGANISATION) { // several top people: the top two layers are theirs
        var shown = 1 + data.children[0];
        for (var k = first[0]; k < first[0] + data.children[0]; k++) shown += expanded[k] ? 0 : data.children[k];
        if (shown <= 200) for (var j = first[0]; j < first[0] + data.children[0]; j++) expanded[j] = 1;
      }
      highlighted = -1;
      nodeLayer.selectAll("*").remove();
      linkLayer.selectAll("*").remove();
      fitAll(render(null));
    }

    zoomIn.addEventListener("click", function () { svg.transition().duration(duration).call(zoom.scaleBy, 1.25); });
    zoomOut.addEventListener("click", function () { svg.transition().duration(duration).call(zoom.scaleBy, 0.8); });
    reset.addEventListener("click", start);

    // --- search: ids, job titles, departments (names when the report shows them)
    var haystack = null;
    function index() {
      haystack = new Array(N);
      for (var k = 0; k < N; k++) {
        if (kind[k] !== PERSON) { haystack[k] = ""; continue; }
        var parts = [data.id[k] || data.role || ""];
        if (data.title[k] >= 0) parts.push(data.titles[data.title[k]]);
        if (data.dept[k] >= 0) parts.push(data.departments[data.dept[k]]);
        if (data.name && data.name[k]) parts.push(data.name[k]);
        haystack[k] = parts.join("\n").toLocaleLowerCase();
      }
    }

    this.search = function (query) {
      var q = query.trim().toLocaleLowerCase();
      if (!q) return [];
      if (!haystack) index();
      var hits = [];
      for (var k = 0; k < N; k++) {
        var at = haystack[k].indexOf(q);
        if (at < 0) continue;
        var id = (data.id[k] || "").toLocaleLowerCase();
        var rank = id === q ? 0 : at === 0 ? 1 : 2;
        hits.push([rank, data.layer[k], k]);
      }
      hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
      return hits.map(function (h) { return h[2]; });
    };

    var active = -1, shownHits = [];
    function choose(i) {
      results.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      self.reveal(i);
    }
    function setActive(k) {
      var items = results.querySelectorAll("li[role=option]");
      Array.prototype.forEach.call(items, function (li, j) { li.setAttribute("aria-selected", String(j === k)); });
      active = k;
      if (items[k]) input.setAttribute("aria-activedescendant", items[k].id);
    }
    function showResults() {
      var hits = self.search(input.value);
      results.innerHTML = "";
      shownHits = hits.slice(0, MAX_RESULTS);
      active = -1;
      if (!input.value.trim()) {
        results.hidden = true;
        input.setAttribute("aria-expanded", "false");
        return;
      }
      if (!hits.length) {
        results.appendChild(el("li", { "class": "ok-x-none" }, fill(T.no_match[0], { query: input.value.trim() })));
      }
      shownHits.forEach(function (i, j) {
        var li = el("li", { role: "option", id: listId + "-" + j, "data-i": i, "aria-selected": "false" });
        li.appendChild(el("span", { "class": "ok-x-hit-label" }, label(i)));
        var more = details(i)[0];
        if (more && data.dept[i] >= 0) li.appendChild(el("span", { "class": "ok-x-hit-detail" }, more));
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(i); });
        results.appendChild(li);
      });
      if (hits.length > MAX_RESULTS) results.appendChild(el("li", { "class": "ok-x-more" }, text("more", hits.length - MAX_RESULTS)));
      results.hidden = false;
      input.setAttribute("aria-expanded", "true");
      live.textContent = hits.length ? text("results", hits.length) : "";
    }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(showResults, N > 20000 ? 150 : 60);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (results.hidden) showResults();
        if (!shownHits.length) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive((active + step + shownHits.length) % shownHits.length);
      } else if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        if (results.hidden || !shownHits.length) showResults();
        if (shownHits.length) choose(shownHits[active >= 0 ? active : 0]);
      } else if (event.key === "Escape") {
        results.hidden = true;
        input.setAttribute("aria-expanded", "false");
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { results.hidden = true; }, 150); });

    start();
  }

  function initExplorers() {
    if (!window.d3) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-ok-explorer]"), function (node) {
      node.okExplorer = new Explorer(node);
    });
  }

  onReady(function () {
    initTables();
    initExplorers();
  });
})();
