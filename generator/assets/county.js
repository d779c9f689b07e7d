/* The county page's search: every town's Pagefind bundle merged in the reader's browser
   (Pagefind's multisite mergeIndex). The county's own bundle (pagefind/) brings the program;
   the towns' bundles bring their indexes. Nothing is fetched before the reader searches.
   A town whose bundle cannot be loaded is named on the page and left out; the others still work.
   The query is asked as in a town's own search (generator/assets/party365.js): each typed part
   as the phrase of its character pairs, since the towns index runs of Han characters as pairs. */
(function () {
  "use strict";
  var CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef";
  var SPACED = new RegExp(
    "([^\\s\u200a\u200b](?:</?mark>)*)[\\s\u200a\u200b]+(?=(?:</?mark>)*[" + CJK + "])" +
    "|([" + CJK + "](?:</?mark>)*)[\\s\u200a\u200b]+(?=(?:</?mark>)*[^\\s\u200a\u200b])", "g");
  function unspace(text) { return text.replace(SPACED, "$1$2").replace(/[\u200a\u200b]/g, ""); }
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var IS_HAN = new RegExp("^[" + HAN + "]+$");
  var PIECES = new RegExp("[" + HAN + "]+|[" + CJK + "]|[^" + CJK + "]+", "g");

  /* The words the index holds for a run of Han characters (generator/site/search.py `han_words`; as in party365.js):
     its overlapping pairs, and its first / last character alone where the query goes on past it
     (the index holds both ends of every run). */
  function hanWords(run, head, tail) {
    if (run.length < 2) return [run];
    var words = [];
    for (var i = 0; i + 1 < run.length; i++) words.push(run.slice(i, i + 2));
    if (head) words.unshift(run.charAt(0));
    if (tail) words.push(run.charAt(run.length - 1));
    return words;
  }

  /* Each part the reader typed (split at spaces) as the phrase of words the index holds for it:
     东湾村 → 东湾 湾村; 3号 → 3 号; 党 → 党 (a prefix: 党, 党员, 党费…). */
  function phrases(query) {
    return query.split(/\s+/).filter(Boolean).map(function (part) {
      var pieces = part.match(PIECES) || [];
      var words = [];
      pieces.forEach(function (piece, i) {
        words = words.concat(IS_HAN.test(piece) ? hanWords(piece, i > 0, i < pieces.length - 1) : [piece.trim()]);
      });
      return words.filter(Boolean).join(" ");
    }).filter(Boolean);
  }

  /* Pagefind's text back as written: a run indexed as 东 东湾 湾村 村 folds back into 东湾村 (also
     with <mark> around some of its words, in excerpts), then the separators go. */
  function readable(text) {
    var tokens = text.split(/([\s\u200a\u200b]+)/); /* even: words, odd: the spaces between */
    var cores = [];
    for (var i = 0; i < tokens.length; i += 2) cores.push(tokens[i].replace(/<\/?mark>/g, ""));
    function pair(j) { return j >= 0 && j < cores.length && cores[j].length === 2 && IS_HAN.test(cores[j]); }
    var out = [];
    cores.forEach(function (core, j) {
      var word = tokens[2 * j];
      if (core.length === 1 && IS_HAN.test(core)) {
        if ((pair(j + 1) && cores[j + 1].charAt(0) === core) || (pair(j - 1) && cores[j - 1].charAt(1) === core)) word = "";
      } else if (pair(j) && pair(j - 1) && cores[j - 1].charAt(1) === core.charAt(0)) {
        word = word.replace(core.charAt(0), "");
      }
      out.push(word, word ? tokens[2 * j + 1] || "" : "");
    });
    return unspace(out.join(""));
  }

  var form = document.querySelector("form.county-search");
  if (!form) return;
  var towns = Array.prototype.map.call(document.querySelectorAll(".county-towns li[data-bundle]"), function (li) {
    return { name: li.getAttribute("data-town"), url: li.getAttribute("data-url"), bundle: li.getAttribute("data-bundle") };
  });
  var failedNote = document.querySelector(".county-search-failed");
  var failed = [];
  var loading = null;

  function showFailed() {
    if (!failed.length) { failedNote.hidden = true; return; }
    failedNote.hidden = false;
    failedNote.textContent = "以下镇的搜索暂时无法载入，结果不含这些镇：" + failed.map(function (t) { return t.name; }).join("、") + "。可以稍后再试，或直接打开该镇网站搜索。";
  }

  /* Pagefind with every town that loads; a town that fails is dropped and the rest merged again
     (Pagefind keeps a failed index in its list and would fail every search). */
  function load() {
    if (loading) return loading;
    var base = new URL(form.getAttribute("data-base") || "./", location.href);
    loading = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
      function attempt() {
        var usable = towns.filter(function (t) { return failed.indexOf(t) < 0; });
        return pf.options({ baseUrl: base.pathname }).then(function () {
          return Promise.all(usable.map(function (t) {
            /* the towns' bundles are of no language (generator/site/search.py LANGUAGE): a Chinese
               query is not cut into dictionary words, which would break the indexed pairs */
            return pf.mergeIndex(t.bundle, { baseUrl: t.url, mergeFilter: { town: t.name }, language: "unknown" }).then(
              function () { return null; }, function () { return t; });
          }));
        }).then(function (bad) {
          bad = bad.filter(Boolean);
          if (!bad.length) return pf;
          failed = failed.concat(bad);
          showFailed();
          return pf.destroy().then(attempt);
        });
      }
      return attempt();
    });
    loading.catch(function () { loading = null; });
    return loading;
  }

  function townOf(url) {
    for (var i = 0; i < towns.length; i++) if (url.indexOf(towns[i].url) === 0) return towns[i];
    return null;
  }

  function search(query, filters, limit) {
    var parts = phrases(query);
    if (!parts.length) return Promise.resolve({ total: 0, results: [] });
    return load().then(function (pf) {
      var options = { filters: filters || {} };
      /* a part of one word needs no phrase (and a single character stays a prefix) */
      var exact = parts.filter(function (part) { return part.indexOf(" ") > 0; }).map(function (part) { return pf.search('"' + part + '"', options); });
      return Promise.all([pf.search(parts.join(" "), options)].concat(exact)).then(function (found) {
        var sets = found.slice(1).map(function (f) {
          var ids = {};
          f.results.forEach(function (r) { ids[r.id] = true; });
          return ids;
        });
        var hits = found[0].results.filter(function (r) { return sets.every(function (ids) { return ids[r.id]; }); });
        if (sets.length === 1 && parts.length === 1) {
          var seen = {};
          hits.forEach(function (r) { seen[r.id] = true; });
          found[1].results.forEach(function (r) { if (!seen[r.id]) hits.push(r); });
        }
        return Promise.all(hits.slice(0, limit).map(function (r) { return r.data(); })).then(function (data) {
          var results = [];
          data.forEach(function (d) {
            var town = townOf(d.url || "");
            if (!town) return; /* the county page itself, or a link off the town's own site */
            var meta = {};
            Object.keys(d.meta || {}).forEach(function (k) { meta[k] = readable(d.meta[k]).trim(); });
            results.push({ url: d.url, town: town.name, title: meta.title || d.url, meta: meta, excerpt: readable(d.excerpt || "") });
          });
          return { total: hits.length, results: results };
        });
      });
    });
  }
  window.p365CountySearch = search; /* for bench/county.py */

  function excerptNodes(html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createElement("p");
    out.className = "county-excerpt";
    doc.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  var input = form.elements.q, status = document.querySelector(".county-search-status");
  var list = document.querySelector(".county-search-results");
  var timer = null, asked = 0;
  function run() {
    var query = input.value.trim(), ticket = ++asked, filters = {};
    if (form.elements.town.value) filters.town = form.elements.town.value;
    if (!query) { list.textContent = ""; status.textContent = ""; return; }
    status.textContent = "正在搜索各镇网站……";
    search(query, filters, 10).then(function (found) {
      if (ticket !== asked) return;
      list.textContent = "";
      list.setAttribute("data-query", query);
      found.results.forEach(function (r) {
        var li = document.createElement("li");
        var heading = document.createElement("h3");
        var a = document.createElement("a");
        a.href = r.url;
        a.textContent = r.title;
        heading.appendChild(a);
        li.appendChild(heading);
        var meta = document.createElement("p");
        meta.className = "county-meta";
        meta.textContent = [r.town, r.meta.org && r.meta.org !== r.title ? r.meta.org : "", r.meta.section || "", r.meta.date || ""].filter(Boolean).join(" · ");
        li.appendChild(meta);
        li.appendChild(excerptNodes(r.excerpt));
        list.appendChild(li);
      });
      status.textContent = found.results.length ? "找到 " + found.total + " 个页面" + (found.total > found.results.length ? "，显示前 " + found.results.length + " 个" : "") : "各镇网站都没有含“" + query + "”的页面";
    }, function () {
      if (ticket === asked) status.textContent = "搜索暂时无法使用，请稍后再试";
    });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
  form.addEventListener("change", function (event) { if (event.target !== input) run(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
})();
