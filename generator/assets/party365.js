/* party365: small enhancements on top of pages that already work without JavaScript.
   - countdowns of 公示 stay true on the day the page is read, not the day it was built;
   - the brand index gets its filter form;
   - a large-text switch (适老化) that is remembered across pages;
   - the site search: a header button opens a dialog; Pagefind (pagefind/, built with the site)
     is loaded only when the reader opens it, and Chinese queries are matched as phrases. */
(function () {
  "use strict";

  function chinaToday() {
    return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  }

  function days(from, to) {
    return Math.round((Date.parse(to) - Date.parse(from)) / 86400000);
  }

  function updateCountdowns(root) {
    var today = chinaToday();
    root.querySelectorAll(".p365-countdown").forEach(function (el) {
      var start = el.getAttribute("data-start");
      var end = el.getAttribute("data-end");
      if (!start || !end) return;
      if (today > end) {
        el.textContent = "已结束";
        el.classList.add("p365-closed");
      } else if (today < start) {
        el.textContent = "还有 " + days(today, start) + " 天开始";
      } else {
        el.textContent = "剩余 " + (days(today, end) + 1) + " 天";
      }
    });
  }

  /* Lists of open notices and the home page's count, true on the day the page is read:
     ended notices leave the list and the next ones (shipped hidden) take their places. */
  function updateLiveLists(root) {
    var today = chinaToday();
    root.querySelectorAll(".p365-live-list").forEach(function (list) {
      var show = parseInt(list.getAttribute("data-show"), 10) || 5;
      var shown = 0;
      list.querySelectorAll("li[data-end]").forEach(function (li) {
        var live = li.getAttribute("data-end") >= today && shown < show;
        li.hidden = !live;
        if (live) shown += 1;
      });
    });
    root.querySelectorAll(".p365-live-count[data-periods]").forEach(function (el) {
      var periods = el.getAttribute("data-periods").split(" ").filter(Boolean);
      el.textContent = String(periods.filter(function (p) {
        var parts = p.split("/");
        return parts[0] <= today && today <= parts[1];
      }).length);
    });
  }

  function setupFilter(root) {
    var form = root.querySelector(".p365-filter");
    if (!form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    var cards = root.querySelectorAll(".p365-brand-card");
    var count = form.querySelector(".p365-count");
    function apply() {
      var shown = 0;
      cards.forEach(function (card) {
        var ok = ["bankuai", "batch", "model", "level"].every(function (name) {
          var value = form.elements[name].value;
          return !value || card.getAttribute("data-" + name) === value;
        });
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = "共 " + shown + " 个";
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  function setupLargeText() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".p365-large-toggle")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button p365-large-toggle";
    button.textContent = "大字";
    function sync() {
      var on = document.documentElement.classList.contains("p365-large");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.setAttribute("aria-label", on ? "大字：恢复标准字号" : "大字：放大字号");
    }
    button.addEventListener("click", function () {
      var on = document.documentElement.classList.toggle("p365-large");
      try { localStorage.setItem("p365-large", on ? "1" : "0"); } catch (e) { /* private mode */ }
      sync();
    });
    sync();
    header.appendChild(button);
  }

  function lightbox() {
    var dialog = document.querySelector("dialog.p365-lightbox");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "p365-lightbox";
    dialog.setAttribute("aria-label", "查看大图");
    dialog.innerHTML =
      '<figure><img alt=""><figcaption></figcaption></figure>' +
      '<div class="p365-lightbox-bar">' +
      '<button type="button" data-step="-1">上一张</button>' +
      '<button type="button" data-step="1">下一张</button>' +
      '<button type="button" data-close>关闭</button></div>';
    document.body.appendChild(dialog);
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target.hasAttribute("data-close")) dialog.close();
    });
    return dialog;
  }

  function setupGallery(root) {
    root.querySelectorAll(".p365-gallery").forEach(function (gallery) {
      if (gallery.getAttribute("data-ready")) return;
      gallery.setAttribute("data-ready", "1");
      var links = Array.prototype.slice.call(gallery.querySelectorAll("a.p365-zoom"));
      var current = 0;
      function show(index) {
        var dialog = lightbox();
        current = (index + links.length) % links.length;
        var link = links[current];
        var img = dialog.querySelector("img");
        img.src = link.href;
        img.alt = link.querySelector("img").alt;
        dialog.querySelector("figcaption").textContent = link.getAttribute("data-caption") || "";
        dialog.querySelectorAll("[data-step]").forEach(function (button) {
          button.hidden = links.length < 2;
          button.onclick = function () { show(current + Number(button.getAttribute("data-step"))); };
        });
        dialog.onkeydown = function (event) {
          if (event.key === "ArrowLeft") show(current - 1);
          if (event.key === "ArrowRight") show(current + 1);
        };
        if (!dialog.open) dialog.showModal();
      }
      links.forEach(function (link, index) {
        link.addEventListener("click", function (event) {
          if (event.ctrlKey || event.metaKey || event.shiftKey || !window.HTMLDialogElement) return;
          event.preventDefault();
          show(index);
        });
      });
    });
  }

  function setupMap(root) {
    var svg = root.querySelector("svg.p365-map");
    var form = root.querySelector(".p365-map-filter");
    if (!svg || !form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    var points = Array.prototype.slice.call(svg.querySelectorAll(".points a"));

    function checked(name) {
      return Array.prototype.slice.call(form.querySelectorAll("input[name=" + name + "]:checked")).map(function (i) { return i.value; });
    }
    form.addEventListener("change", function () {
      var bankuai = checked("bankuai"), batch = checked("batch");
      points.forEach(function (a) {
        var shown = bankuai.some(function (c) { return a.classList.contains(c); }) &&
          batch.some(function (c) { return a.classList.contains(c); });
        a.classList.toggle("is-hidden", !shown);
      });
    });

    var buttons = Array.prototype.slice.call(form.querySelectorAll(".p365-route-button"));
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.getAttribute("aria-pressed") !== "true";
        var stops = [];
        buttons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
        svg.querySelectorAll(".route").forEach(function (route) {
          var active = on && route.getAttribute("data-route") === button.getAttribute("data-route");
          route.classList.toggle("is-active", active);
          if (active) stops = route.getAttribute("data-stops").split(" ");
        });
        points.forEach(function (a) { a.classList.toggle("on-route", stops.indexOf(a.getAttribute("data-slug")) >= 0); });
        svg.classList.toggle("has-route", on);
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });

    var full = svg.getAttribute("viewBox").split(" ").map(Number);
    var box = full.slice();
    function apply() {
      svg.setAttribute("viewBox", box.map(function (v) { return Math.round(v * 10) / 10; }).join(" "));
      svg.classList.toggle("is-zoomed", box[2] < full[2]);
    }
    function zoom(factor, cx, cy) {
      if (!factor) { box = full.slice(); apply(); return; }
      var width = Math.min(full[2], Math.max(full[2] / 8, box[2] / factor));
      var k = width / box[2];
      if (cx === undefined) { cx = box[0] + box[2] / 2; cy = box[1] + box[3] / 2; }
      box = [cx - (cx - box[0]) * k, cy - (cy - box[1]) * k, width, box[3] * k];
      apply();
    }
    function toSvg(x, y) {
      var point = svg.createSVGPoint();
      point.x = x; point.y = y;
      return point.matrixTransform(svg.getScreenCTM().inverse());
    }
    form.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () { zoom(Number(button.getAttribute("data-zoom"))); });
    });
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = toSvg(event.clientX, event.clientY);
      zoom(event.deltaY < 0 ? 1.25 : 0.8, p.x, p.y);
    }, { passive: false });

    var down = {}, moved = false, pinch = 0;
    svg.addEventListener("pointerdown", function (event) {
      down[event.pointerId] = { x: event.clientX, y: event.clientY };
      moved = false;
    });
    svg.addEventListener("pointermove", function (event) {
      var start = down[event.pointerId];
      if (!start) return;
      var ids = Object.keys(down);
      if (ids.length === 2) {
        var a = down[ids[0]], b = down[ids[1]];
        start.x = event.clientX; start.y = event.clientY;
        var distance = Math.hypot(a.x - b.x, a.y - b.y);
        if (pinch) { var mid = toSvg((a.x + b.x) / 2, (a.y + b.y) / 2); zoom(distance / pinch, mid.x, mid.y); }
        pinch = distance;
        moved = true;
        return;
      }
      var dx = event.clientX - start.x, dy = event.clientY - start.y;
      if (!moved && Math.hypot(dx, dy) < 5) return;
      if (box[2] >= full[2]) return; /* at full size the page scrolls instead */
      moved = true;
      var scale = box[2] / svg.getBoundingClientRect().width;
      box[0] -= dx * scale; box[1] -= dy * scale;
      start.x = event.clientX; start.y = event.clientY;
      apply();
    });
    function up(event) { delete down[event.pointerId]; pinch = 0; }
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
    svg.addEventListener("click", function (event) { if (moved) { event.preventDefault(); moved = false; } }, true);
  }

  /* ---- Site search (Pagefind). The index holds every CJK character as a word (see
     generator/site/search.py); a query is asked as a phrase of its characters, so 党费 finds
     党费 and not 党…费. Pages are ranked by Pagefind's weights (titles, names, slogans). */
  var CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef";
  var pagefind = null;

  function loadPagefind() {
    if (!pagefind) {
      var base = document.querySelector("script[src$='assets/party365.js']").src.replace(/assets\/party365\.js.*$/, "");
      pagefind = import(new URL("pagefind/pagefind.js", base).href).then(function (module) {
        /* result URLs relative to the site's folder, wherever the site is hosted */
        return module.options({ baseUrl: new URL(base).pathname }).then(function () { return module.init(); }).then(function () { return module; });
      });
      pagefind.catch(function () { pagefind = null; });
    }
    return pagefind;
  }

  /* Pagefind's text back as written: the separators between the indexed characters go (U+200A
     in titles and metadata; in excerpts, spaces with or without U+200B), also across the
     <mark> tags of an excerpt. */
  var SPACED = new RegExp(
    "([" + CJK + "0-9A-Za-z](?:</?mark>)*)[\\s\u200a\u200b]+(?=(?:</?mark>)*[" + CJK + "])" +
    "|([" + CJK + "](?:</?mark>)*)[\\s\u200a\u200b]+(?=(?:</?mark>)*[0-9])", "g");
  function unspace(text) { return text.replace(SPACED, "$1$2").replace(/[\u200a\u200b]/g, ""); }

  /* Each part the reader typed (split at spaces) as a phrase of its characters. */
  function phrases(query) {
    return query.split(/\s+/).filter(Boolean).map(function (part) {
      return part.replace(new RegExp("([" + CJK + "])", "g"), " $1 ").replace(/\s+/g, " ").trim();
    }).filter(Boolean);
  }

  /* The reader's query: pages that hold every typed part as a phrase, in Pagefind's order
     for the query's characters (titles and names weigh most). */
  function search(query, filters, limit) {
    var parts = phrases(query);
    if (!parts.length) return Promise.resolve({ total: 0, results: [] });
    return loadPagefind().then(function (pf) {
      var options = { filters: filters || {} };
      var exact = parts.map(function (part) { return pf.search('"' + part + '"', options); });
      return Promise.all([pf.search(parts.join(" "), options)].concat(exact)).then(function (found) {
        var ranked = found[0].results;
        var sets = found.slice(1).map(function (f) {
          var ids = {};
          f.results.forEach(function (r) { ids[r.id] = true; });
          return ids;
        });
        var hits = ranked.filter(function (r) { return sets.every(function (ids) { return ids[r.id]; }); });
        if (sets.length === 1) {  /* phrase hits that the ranking left out come last */
          var seen = {};
          hits.forEach(function (r) { seen[r.id] = true; });
          found[1].results.forEach(function (r) { if (!seen[r.id]) hits.push(r); });
        }
        return Promise.all(hits.slice(0, limit || 10).map(function (r) { return r.data(); })).then(function (data) {
          return {
            total: hits.length,
            results: data.map(function (d) {
              var meta = {};
              Object.keys(d.meta || {}).forEach(function (k) { meta[k] = unspace(d.meta[k]).trim(); });
              return { url: d.url, title: meta.title || d.url, meta: meta, excerpt: unspace(d.excerpt || "") };
            })
          };
        });
      });
    });
  }
  window.p365Search = search; /* for the relevance benchmark (bench/search.py) */

  /* An excerpt from Pagefind as DOM nodes: its text, with only <mark> kept as markup. */
  function excerptNodes(html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createElement("p");
    out.className = "p365-search-excerpt";
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

  /* The filters: each choice is a Pagefind filter of its own (`gongshi:1` on the pages; see
     generator/site/search.py for why one value each). */
  var SEARCH_FILTERS = [
    ["bankuai", "板块", [["jiguan", "机关事业单位党组织板块"], ["cun-shequ", "村（社区）党组织板块"], ["qiye", "企业党组织板块"]]],
    ["kind", "类型", [["gongkai", "公开事项"], ["gongshi", "公示"], ["pinpai", "品牌"], ["anli", "案例"]]]
  ];

  function searchDialog() {
    var dialog = document.querySelector("dialog.p365-search");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "p365-search";
    dialog.setAttribute("aria-labelledby", "p365-search-title");
    var form = document.createElement("form");
    form.setAttribute("role", "search");
    form.innerHTML =
      '<h2 id="p365-search-title">搜索本站</h2>' +
      '<label class="p365-search-field"><span>关键词</span><input type="search" name="q" autocomplete="off" enterkeyhint="search" placeholder="例如：党费、东湾村、周建平"></label>' +
      '<div class="p365-search-filters"></div>' +
      '<p class="p365-search-status" role="status" aria-live="polite"></p>' +
      '<ol class="p365-search-results"></ol>' +
      '<button type="button" class="p365-search-close">关闭</button>';
    var filters = form.querySelector(".p365-search-filters");
    SEARCH_FILTERS.forEach(function (f) {
      var label = document.createElement("label");
      label.textContent = f[1] + " ";
      var select = document.createElement("select");
      select.name = f[0];
      [["", "全部"]].concat(f[2]).forEach(function (o) {
        var option = document.createElement("option");
        option.value = o[0];
        option.textContent = o[1];
        select.appendChild(option);
      });
      label.appendChild(select);
      filters.appendChild(label);
    });
    dialog.appendChild(form);
    document.body.appendChild(dialog);

    var input = form.elements.q, status = form.querySelector(".p365-search-status"), list = form.querySelector(".p365-search-results");
    var timer = null, asked = 0;
    function run() {
      var query = input.value.trim(), selected = {};
      SEARCH_FILTERS.forEach(function (f) { if (form.elements[f[0]].value) selected[form.elements[f[0]].value] = "1"; });
      var ticket = ++asked;
      if (!query) { list.textContent = ""; status.textContent = ""; return; }
      status.textContent = "正在搜索……";
      search(query, selected, 10).then(function (found) {
        if (ticket !== asked) return;
        list.textContent = "";
        list.setAttribute("data-query", query);
        found.results.forEach(function (r) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = r.url;
          a.textContent = r.title;
          var heading = document.createElement("h3");
          heading.appendChild(a);
          li.appendChild(heading);
          var line = [r.meta.org && r.meta.org !== r.title ? r.meta.org : "", r.meta.section || "", r.meta.date || ""].filter(Boolean);
          if (line.length) {
            var meta = document.createElement("p");
            meta.className = "p365-meta";
            meta.textContent = line.join(" · ");
            li.appendChild(meta);
          }
          li.appendChild(excerptNodes(r.excerpt));
          list.appendChild(li);
        });
        status.textContent = found.total ? "找到 " + found.total + " 个页面" + (found.total > found.results.length ? "，显示前 " + found.results.length + " 个" : "") : "没有找到含“" + query + "”的页面";
      }, function () {
        if (ticket === asked) status.textContent = "搜索暂时无法使用，请稍后再试";
      });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    input.addEventListener("focus", loadPagefind);
    form.addEventListener("change", function (event) { if (event.target !== input) run(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    form.querySelector(".p365-search-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    return dialog;
  }

  function openSearch() {
    var dialog = searchDialog();
    if (!dialog.open) dialog.showModal();
    dialog.querySelector("input[type=search]").focus();
  }

  function setupSearch() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".p365-search-open") || !window.HTMLDialogElement) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button p365-search-open";
    button.setAttribute("aria-haspopup", "dialog");
    button.innerHTML = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path fill="currentColor" d="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg><span>搜索</span>';
    button.addEventListener("click", openSearch);
    var large = header.querySelector(".p365-large-toggle");
    header.insertBefore(button, large);
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      event.preventDefault();
      openSearch();
    });
  }

  /* Scrollable regions (wide tables, code) must be reachable by keyboard (WCAG 2.1.1). */
  function focusableScrollers(root) {
    root.querySelectorAll(".md-typeset__scrollwrap, .md-typeset pre > code, .p365-table-wrap").forEach(function (el) {
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
    });
  }

  function init() {
    focusableScrollers(document);
    updateCountdowns(document);
    updateLiveLists(document);
    setupFilter(document);
    setupLargeText();
    setupSearch();
    setupGallery(document);
    setupMap(document);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
