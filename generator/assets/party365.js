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

  /* "将于 11月30日 开始公示", with the year when it is not this year's (templating.cn_start). */
  function startsOn(start, today) {
    var when = +start.slice(5, 7) + "月" + +start.slice(8, 10) + "日";
    if (start.slice(0, 4) !== today.slice(0, 4)) when = +start.slice(0, 4) + "年" + when;
    return "将于 " + when + " 开始公示";
  }

  /* The one time rule (publication.period_phase and templating.countdown_text in Python; a test
     compares both on every day of a year): a period's phase on a day, start and end included,
     and what its countdown says. */
  function phase(start, end, today) {
    if (today > end) return "closed";
    return today < start ? "upcoming" : "open";
  }

  function countdownText(start, end, today) {
    var p = phase(start, end, today);
    if (p === "closed") return "已结束";
    if (p === "upcoming") return startsOn(start, today);
    return "剩余 " + (days(today, end) + 1) + " 天";
  }

  window.p365Time = { phase: phase, countdownText: countdownText };

  function updateCountdowns(root) {
    var today = chinaToday();
    root.querySelectorAll(".p365-countdown").forEach(function (el) {
      var start = el.getAttribute("data-start");
      var end = el.getAttribute("data-end");
      if (!start || !end) return; // a withdrawn notice: 已撤回, whatever the day
      el.textContent = countdownText(start, end, today);
      if (phase(start, end, today) === "closed") el.classList.add("p365-closed");
    });
  }

  function endOf(el) {
    var countdown = el.querySelector(".p365-countdown[data-end]");
    return el.getAttribute("data-end") || (countdown ? countdown.getAttribute("data-end") : "");
  }

  /* Write a count into a heading and its table-of-contents entries: "正在公示（3 条）". */
  function recount(id, count) {
    var heading = document.getElementById(id);
    var places = heading ? [heading] : [];
    document.querySelectorAll('a[href="#' + id + '"]:not(.headerlink)').forEach(function (a) { places.push(a); });
    places.forEach(function (el) {
      var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        if (/（\d+ 条）/.test(node.nodeValue)) node.nodeValue = node.nodeValue.replace(/（\d+ 条）/, "（" + count + " 条）");
      }
    });
  }

  /* Notices built before they started (under 即将开始的公示) join the open ones on the day the
     page is read, in the order of their end: never counted or listed as open before their first
     day, never left under 即将开始 after it. */
  function moveStartedNotices(root) {
    var today = chinaToday();
    root.querySelectorAll(".p365-upcoming-notices").forEach(function (upcoming) {
      var list = upcoming.tagName === "UL";
      var target = list ? root.querySelector(".p365-live-list") : root.querySelector(".p365-open-end");
      if (!target) return;
      var moved = 0;
      Array.prototype.slice.call(upcoming.children).forEach(function (el) {
        var countdown = el.querySelector(".p365-countdown[data-start]");
        if (!countdown || phase(countdown.getAttribute("data-start"), endOf(el), today) === "upcoming") return;
        var end = endOf(el);
        var open = list ? Array.prototype.slice.call(target.children) : [];
        if (!list) {
          for (var sib = target.parentNode.firstElementChild; sib && sib !== target; sib = sib.nextElementSibling) {
            if (sib.classList.contains("p365-notice")) open.push(sib);
          }
        }
        var before = open.filter(function (o) { return endOf(o) > end; })[0];
        if (before) before.parentNode.insertBefore(el, before);
        else if (list) target.appendChild(el);
        else target.parentNode.insertBefore(el, target);
        el.classList.replace("p365-upcoming", "p365-open");
        moved += 1;
      });
      if (!moved) return;
      if (list) target.hidden = false;
      root.querySelectorAll(".p365-none-open").forEach(function (p) { p.hidden = true; });
      var left = upcoming.children.length;
      var heading = document.getElementById("jijiang");
      if (!left) {
        upcoming.hidden = true;
        if (heading) heading.hidden = true;
        document.querySelectorAll('a[href="#jijiang"]:not(.headerlink)').forEach(function (a) {
          (a.closest("li") || a).hidden = true;
        });
      }
      recount("jijiang", left);
      if (!list) {
        var shown = 0;
        for (var sib = target.parentNode.firstElementChild; sib; sib = sib.nextElementSibling) {
          if (sib.classList.contains("p365-notice")) shown += 1;
        }
        recount("zhengzai", shown);
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
        return phase(parts[0], parts[1], today) === "open";
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

  /* ---- 红色风景线 map (generator/svgmap.py draws it). Symbols and labels keep their size in
     CSS px at every zoom (--s, map units per CSS px); labels are placed again at each zoom level
     with the rules of svgmap.place_labels; the map is one tab stop with arrow keys between points. */
  var MAP = { pointR: 6, gap: 9, ring: 16, rings: 8 };

  function mapCandidates(w, h, ring) {
    var g = MAP.gap + ring * MAP.ring;
    return [[g, -h / 2], [-g - w, -h / 2], [-w / 2, -g - h], [-w / 2, g], [g * 0.7, -g * 0.7 - h], [-g * 0.7 - w, -g * 0.7 - h],
      [g * 0.7, g * 0.7], [-g * 0.7 - w, g * 0.7]];
  }

  function translateOf(el) {
    var m = /translate\(([-\d.]+)[ ,]+([-\d.]+)\)/.exec(el.getAttribute("transform") || "");
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  }

  function setupMap(root) {
    var svg = root.querySelector("svg.p365-map");
    var form = root.querySelector(".p365-map-filter");
    if (!svg || !form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    var points = Array.prototype.slice.call(svg.querySelectorAll(".points a"));
    var bySlug = {};
    points.forEach(function (a) { a.p365xy = translateOf(a); bySlug[a.getAttribute("data-slug")] = a; });
    var status = root.querySelector("#p365-map-status");
    if (root.querySelector("#p365-map-keys")) svg.setAttribute("aria-describedby", "p365-map-keys");
    svg.setAttribute("tabindex", "-1");  /* not a tab stop of its own (Chromium makes a clipping <svg> a focusable scroller) */

    /* Points without a drawn label (not a stop, not a 区级示范点) get one here, shown where it fits. */
    var NS = "http://www.w3.org/2000/svg", layer = svg.querySelector(".labels"), labelled = {};
    svg.querySelectorAll(".labels .label").forEach(function (el) { labelled[el.getAttribute("data-for")] = true; });
    points.forEach(function (a) {
      var slug = a.getAttribute("data-slug");
      if (labelled[slug] || !layer) return;
      var g = document.createElementNS(NS, "g"), sym = document.createElementNS(NS, "g"), leader = document.createElementNS(NS, "path");
      var body = document.createElementNS(NS, "g"), text = document.createElementNS(NS, "text");
      g.setAttribute("class", "label point is-off");
      g.setAttribute("data-for", slug);
      g.setAttribute("data-rank", a.classList.contains("b0") ? "5" : "4");
      g.setAttribute("transform", "translate(" + a.p365xy[0] + " " + a.p365xy[1] + ")");
      sym.setAttribute("class", "sym"); leader.setAttribute("class", "leader"); body.setAttribute("class", "body");
      text.setAttribute("x", "2"); text.setAttribute("y", "15");
      text.textContent = a.getAttribute("data-name") || "";
      body.appendChild(text); sym.appendChild(leader); sym.appendChild(body); g.appendChild(sym); layer.appendChild(g);
    });
    var labels = Array.prototype.slice.call(svg.querySelectorAll(".labels .label")).map(function (el) {
      var anchors = (el.getAttribute("data-anchors") || "").split(" ").filter(Boolean).map(Number);
      var pairs = [];
      for (var i = 0; i + 1 < anchors.length; i += 2) pairs.push([anchors[i], anchors[i + 1]]);
      return { el: el, body: el.querySelector(".body"), leader: el.querySelector(".leader"), xy: translateOf(el),
        rank: Number(el.getAttribute("data-rank")), point: bySlug[el.getAttribute("data-for")], anchors: pairs, w: 0, h: 0 };
    }).sort(function (a, b) { return a.rank - b.rank; });

    var full = svg.getAttribute("viewBox").split(" ").map(Number);
    var box = full.slice();
    var lastKey = "";

    function layout(force) {
      var width = svg.getBoundingClientRect().width;
      if (!width) return;
      var k = width / box[2];  /* CSS px per map unit */
      var t = Math.max(1, (parseFloat(getComputedStyle(document.documentElement).fontSize) || 16) / 16);  /* large text */
      var key = k.toFixed(5) + "/" + t + "/" + box[0].toFixed(1) + "/" + box[1].toFixed(1);
      if (!force && key === lastKey) return;
      lastKey = key;
      svg.style.setProperty("--s", String(t / k));
      /* Labels of route stops, the town centre, 区级示范点, landmarks and rivers (ranks 0-2) avoid each other
         and the stops; roads' and other points' labels also avoid every point. */
      var placed = [], symbols = [];
      points.forEach(function (a) {
        if (a.classList.contains("is-hidden")) return;
        var x = a.p365xy[0] * k, y = a.p365xy[1] * k, r = MAP.pointR * t;
        (a.classList.contains("stop") ? placed : symbols).push([x - r, y - r, x + r, y + r]);
      });
      var added = false;
      /* Labels stay inside the part of the map in view (a route stop's label also when its stop is out of view). */
      var left = box[0] * k, top = box[1] * k, right = (box[0] + box[2]) * k, bottom = (box[1] + box[3]) * k;
      labels.forEach(function (label) {
        var hidden = label.point && label.point.classList.contains("is-hidden");
        label.el.classList.toggle("is-hidden", !!hidden);
        if (hidden) return;
        if (!label.w) {
          label.el.classList.remove("is-off");
          var bb = label.body.getBBox();
          label.w = Math.max(bb.x + bb.width, 1) + 2; label.h = 20;
        }
        var w = label.w * t, h = label.h * t, spots = [];
        var px = label.xy[0] * k, py = label.xy[1] * k;
        var inView = label.anchors.length > 0 || (px >= left && px <= right && py >= top && py <= bottom);
        if (!inView && label.rank > 0) { label.el.classList.add("is-off"); return; }
        /* in view: the label stays in view; a stop out of view keeps its label beside it, out of view too */
        var lim = inView ? [left, top, right, bottom] : [0, 0, full[2] * k, full[3] * k];
        if (label.anchors.length) {
          label.anchors.forEach(function (p, i) { spots.push([p[0], p[1], -w / 2, -h / 2, -1 - i]); });
        } else {
          for (var ring = 0; ring < (label.rank === 0 ? MAP.rings : 1); ring++) {
            mapCandidates(w, h, ring).forEach(function (c) { spots.push([label.xy[0], label.xy[1], c[0], c[1], ring]); });
          }
        }
        if (label.rank > 2 && !added) { placed = placed.concat(symbols); added = true; }
        var chosen = null, least = Infinity, fallback = null;
        for (var i = 0; i < spots.length && !chosen; i++) {
          var s = spots[i], x0 = s[0] * k + s[2], y0 = s[1] * k + s[3], b = [x0, y0, x0 + w, y0 + h];
          if (b[0] < lim[0] || b[1] < lim[1] || b[2] > lim[2] || b[3] > lim[3]) continue;
          var overlap = 0;
          placed.forEach(function (o) {
            overlap += Math.max(0, Math.min(b[2], o[2]) - Math.max(b[0], o[0])) * Math.max(0, Math.min(b[3], o[3]) - Math.max(b[1], o[1]));
          });
          if (overlap === 0) { placed.push(b); chosen = s; }
          else if (overlap < least) { least = overlap; fallback = [s, b]; }
        }
        /* A route stop always keeps its label: where no spot is free, the least crowded one. */
        if (!chosen && label.rank === 0 && fallback) { chosen = fallback[0]; placed.push(fallback[1]); }
        label.el.classList.toggle("is-off", !chosen);
        if (!chosen) return;
        var ax = chosen[0], ay = chosen[1];
        label.el.setAttribute("transform", "translate(" + ax + " " + ay + ")");
        var dx = chosen[2] / t, dy = chosen[3] / t;  /* in the label's own units (CSS px at standard text) */
        label.body.setAttribute("transform", "translate(" + dx.toFixed(1) + " " + dy.toFixed(1) + ")");
        if (chosen[4] > 0) {
          var lx = Math.min(Math.max(0, dx), dx + label.w), ly = Math.min(Math.max(0, dy), dy + label.h);
          label.leader.setAttribute("d", "M0 0L" + lx.toFixed(1) + " " + ly.toFixed(1));
        } else {
          label.leader.setAttribute("d", "");
        }
      });
    }
    var pending = 0;
    function relayout() {
      if (pending) return;
      pending = window.requestAnimationFrame(function () { pending = 0; layout(false); });
    }

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
      if (current && current.classList.contains("is-hidden")) rove(visible()[0] || null, false);
      layout(true);
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
        labels.forEach(function (l) { l.el.classList.toggle("on-route", !!l.point && stops.indexOf(l.point.getAttribute("data-slug")) >= 0); });
        svg.classList.toggle("has-route", on);
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });

    function apply(deferred) {
      svg.setAttribute("viewBox", box.map(function (v) { return Math.round(v * 10) / 10; }).join(" "));
      svg.classList.toggle("is-zoomed", box[2] < full[2]);
      if (deferred) relayout(); else layout(false);
    }
    function clampBox() {
      box[0] = Math.min(Math.max(box[0], full[0] - box[2] / 2), full[0] + full[2] - box[2] / 2);
      box[1] = Math.min(Math.max(box[1], full[1] - box[3] / 2), full[1] + full[3] - box[3] / 2);
    }
    function zoom(factor, cx, cy) {
      if (!factor) { box = full.slice(); apply(); return; }
      var width = Math.min(full[2], Math.max(full[2] / 8, box[2] / factor));
      var k = width / box[2];
      if (cx === undefined) { cx = box[0] + box[2] / 2; cy = box[1] + box[3] / 2; }
      box = [cx - (cx - box[0]) * k, cy - (cy - box[1]) * k, width, box[3] * k];
      if (width >= full[2]) box = full.slice();
      clampBox();
      apply();
    }
    function pan(fx, fy) {
      if (box[2] >= full[2]) return;
      box[0] += box[2] * fx; box[1] += box[3] * fy;
      clampBox();
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
      apply(true);
    });
    function up(event) { delete down[event.pointerId]; pinch = 0; }
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
    svg.addEventListener("click", function (event) { if (moved) { event.preventDefault(); moved = false; } }, true);

    /* Keyboard: one tab stop (roving tabindex); arrows go to the nearest point that way. */
    var current = null;
    function visible() { return points.filter(function (a) { return !a.classList.contains("is-hidden"); }); }
    function titleOf(a) { var t = a.querySelector("title"); return t ? t.textContent : ""; }
    function rove(a, focus) {
      points.forEach(function (p) { p.setAttribute("tabindex", "-1"); });
      current = a;
      if (!a) return;
      a.setAttribute("tabindex", "0");
      if (focus) {
        var x = a.p365xy[0], y = a.p365xy[1], m = box[2] * 0.08;
        if (x < box[0] + m || x > box[0] + box[2] - m || y < box[1] + m || y > box[1] + box[3] - m) {
          box[0] = x - box[2] / 2; box[1] = y - box[3] / 2; clampBox(); apply();
        }
        a.focus();
      }
    }
    var firstStop = svg.querySelector(".routes .route");
    var start = firstStop ? bySlug[(firstStop.getAttribute("data-stops") || "").split(" ")[0]] : null;
    rove(start || points[0] || null, false);
    svg.addEventListener("focusin", function (event) {
      var a = event.target.closest ? event.target.closest(".points a") : null;
      if (!a) return;
      if (a !== current) rove(a, false);
      if (status) status.textContent = "已选中：" + titleOf(a) + "。按回车打开档案。";
    });
    function nearest(from, dx, dy) {
      var best = null, bestScore = Infinity;
      visible().forEach(function (a) {
        if (a === from) return;
        var vx = a.p365xy[0] - from.p365xy[0], vy = a.p365xy[1] - from.p365xy[1];
        var along = vx * dx + vy * dy, across = Math.abs(vx * dy - vy * dx);
        if (along <= 0 || across > along * 2) return;
        var score = along + across * 2;
        if (score < bestScore) { bestScore = score; best = a; }
      });
      return best;
    }
    var ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    svg.addEventListener("keydown", function (event) {
      var a = event.target.closest ? event.target.closest(".points a") : null;
      if (!a || event.altKey || event.ctrlKey || event.metaKey) return;
      var dir = ARROWS[event.key];
      if (dir && event.shiftKey) { pan(dir[0] * 0.2, dir[1] * 0.2); }
      else if (dir) { var next = nearest(a, dir[0], dir[1]); if (next) rove(next, true); }
      else if (event.key === "+" || event.key === "=") { zoom(1.5, a.p365xy[0], a.p365xy[1]); }
      else if (event.key === "-" || event.key === "_") { zoom(1 / 1.5, a.p365xy[0], a.p365xy[1]); }
      else if (event.key === "0") { zoom(0); }
      else if (event.key === "Home" || event.key === "End") {
        var all = visible();
        if (all.length) rove(event.key === "Home" ? all[0] : all[all.length - 1], true);
      } else if (event.key === "Enter") {
        event.preventDefault();
        window.location.href = new URL(a.getAttribute("href"), window.location.href).href;
      } else { return; }
      event.preventDefault();
    });

    if (window.ResizeObserver) {
      var observer = new ResizeObserver(relayout);
      observer.observe(svg);
      observer.observe(document.documentElement);
    } else {
      window.addEventListener("resize", relayout);
    }
    layout(true);
  }

  /* ---- The optional 天地图 base layer (generator/site/tianditu.py): only on a town that set a key,
     and only after the reader switches it on. Until then nothing is asked of 天地图 and Leaflet is
     not even loaded; switched off, the Leaflet map is removed and the schematic map is back. */
  var TDT_MARK = "https://t{s}.tianditu.gov.cn/";
  var DASHES = { solid: null, dash: "12 7", dot: "1 8" };

  function loadLeaflet(data) {
    if (window.L) return Promise.resolve(window.L);
    return new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = data.style;
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = data.script;
      script.onload = function () { if (window.L) resolve(window.L); else reject(new Error("Leaflet")); };
      script.onerror = function () { script.remove(); reject(new Error("Leaflet")); };
      document.head.appendChild(script);
    });
  }

  function tiandituLayer(L, data, name) {
    var layer = name.split("_")[0];
    var url = TDT_MARK + name + "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=" + layer +
      "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + encodeURIComponent(data.key);
    return L.tileLayer(url, { subdomains: "01234567", minZoom: 1, maxZoom: 18, referrerPolicy: "strict-origin" });  /* the site's address only (天地图 checks it against the key's allowed domains), never the page */
  }

  function drawTianditu(L, box, data) {
    var map = L.map(box, { zoomSnap: 0.5, keyboard: true, attributionControl: true, zoomControl: false });
    L.control.zoom({ zoomInTitle: "放大地图", zoomOutTitle: "缩小地图" }).addTo(map);
    map.on("popupopen", function (e) {
      var close = e.popup.getElement() && e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", "关闭");
    });
    map.attributionControl.setPrefix("Leaflet");
    data.layers.forEach(function (name) { tiandituLayer(L, data, name).addTo(map); });
    map.attributionControl.addAttribution("底图：天地图");
    var byslug = {}, numbers = {};
    data.points.forEach(function (p) { byslug[p.slug] = p; });
    data.routes.forEach(function (r) {
      var line = r.stops.map(function (s) { return [byslug[s].lat, byslug[s].lon]; });
      L.polyline(line, { color: r.color, weight: 4, opacity: 0.9, dashArray: DASHES[r.dash], interactive: false }).addTo(map);
      r.stops.forEach(function (s, i) { (numbers[s] = numbers[s] || []).push({ route: r.name, no: i + 1 }); });
    });
    var bounds = [];
    data.points.forEach(function (p) {
      var stops = numbers[p.slug] || [];
      var icon = L.divIcon({ className: "p365-tdt-point" + (stops.length ? " is-stop" : ""), iconSize: [26, 26], html: "" });
      var marker = L.marker([p.lat, p.lon], { icon: icon, title: p.name, alt: p.name, keyboard: true, riseOnHover: true, zIndexOffset: stops.length ? 1000 : 0 });
      marker.on("add", function () {
        var el = marker.getElement();
        if (!el) return;
        el.setAttribute("data-slug", p.slug);
        var shown = stops.map(function (s) { return s.no; }).join("·");
        el.textContent = shown;
        /* the name read out starts with what is shown (WCAG 2.5.3) */
        el.setAttribute("aria-label", (stops.length > 1 ? shown + " " : "") + p.name +
          stops.map(function (s) { return "，" + s.route + "第 " + s.no + " 站"; }).join(""));
      });
      var card = document.createElement("div"), link = document.createElement("a");
      card.className = "p365-tdt-card";
      link.href = p.href;
      link.textContent = p.name + "：查看档案";
      card.appendChild(link);
      marker.bindPopup(card);
      var tip = document.createElement("span");
      tip.textContent = p.name; /* Leaflet puts a string tooltip in as HTML: a name from the data stays text */
      marker.bindTooltip(tip, { direction: "top", offset: [0, -12] });
      marker.addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30] });
    return map;
  }

  function setupTianditu(root) {
    var toggle = root.querySelector("#p365-tianditu-on"), box = root.querySelector("#p365-tianditu");
    var block = root.querySelector("#p365-tianditu-data");
    if (!toggle || !box || !block || toggle.getAttribute("data-ready")) return;
    toggle.setAttribute("data-ready", "1");
    var data = JSON.parse(block.textContent);
    var schematic = [".p365-map-filter", ".p365-map-frame", "#p365-map-keys"].map(function (q) { return root.querySelector(q); }).filter(Boolean);
    var status = root.querySelector("#p365-map-status");
    var map = null;
    function show(on) {
      box.hidden = !on;
      schematic.forEach(function (el) { el.hidden = on; });
    }
    toggle.checked = false;  /* a page restored from the back/forward cache starts off too */
    toggle.addEventListener("change", function () {
      if (!toggle.checked) {
        if (map) { map.remove(); map = null; }
        show(false);
        if (status) status.textContent = "已关闭天地图底图，显示示意图。";
        return;
      }
      loadLeaflet(data).then(function (L) {
        if (!toggle.checked || map) return;
        show(true);
        map = drawTianditu(L, box, data);
        if (status) status.textContent = "已显示天地图底图：图上 " + data.points.length + " 个党组织，Tab 键可逐个选中，回车查看。";
      }, function () {
        toggle.checked = false;
        show(false);
        if (status) status.textContent = "天地图底图没有加载成功，仍显示示意图。";
      });
    });
  }

  /* ---- Site search (Pagefind). The index holds every run of Han characters as its overlapping
     pairs (see generator/site/search.py); a query is asked as the phrase of its pairs, so 党费
     finds 党费 and not 党…费, and each pair costs one small index chunk. Pages are ranked by
     Pagefind's weights (titles, names, slogans). */
  var CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef";
  var pagefind = null;

  /* Pagefind takes the language of its searches from the page (<html lang>), once, when it starts,
     and for Chinese it cuts the query into dictionary words (三会 → 三 会), which would break the
     indexed character pairs. The bundle is of no language (generator/site/search.py LANGUAGE),
     so Pagefind starts as such: the attribute is swapped back before anything can render. */
  function asLanguage(start) {
    var html = document.documentElement, lang = html.getAttribute("lang");
    html.setAttribute("lang", "unknown");
    try { return start(); } finally { if (lang === null) html.removeAttribute("lang"); else html.setAttribute("lang", lang); }
  }

  function loadPagefind() {
    if (!pagefind) {
      var base = document.querySelector("script[src$='assets/party365.js']").src.replace(/assets\/party365\.js.*$/, "");
      pagefind = import(new URL("pagefind/pagefind.js", base).href).then(function (module) {
        /* result URLs relative to the site's folder, wherever the site is hosted */
        return module.options({ baseUrl: new URL(base).pathname }).then(function () { return asLanguage(module.init); }).then(function () { return module; });
      });
      pagefind.catch(function () { pagefind = null; });
    }
    return pagefind;
  }

  /* Pagefind's text back as written: the separators next to a CJK character go (U+200A in titles
     and metadata; in excerpts, spaces with or without U+200B), also across the <mark> tags of an
     excerpt. */
  var SPACED = new RegExp(
    "([^\\s\u200a\u200b](?:</?mark>)*)[\\s\u200a\u200b]+(?=(?:</?mark>)*[" + CJK + "])" +
    "|([" + CJK + "](?:</?mark>)*)[\\s\u200a\u200b]+(?=(?:</?mark>)*[^\\s\u200a\u200b])", "g");
  function unspace(text) { return text.replace(SPACED, "$1$2").replace(/[\u200a\u200b]/g, ""); }

  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var IS_HAN = new RegExp("^[" + HAN + "]+$");
  var PIECES = new RegExp("[" + HAN + "]+|[" + CJK + "]|[^" + CJK + "]+", "g");

  /* The words the index holds for a run of Han characters (generator/site/search.py `han_words`):
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

  /* The reader's query: pages that hold every typed part as a phrase, in Pagefind's order
     for the query's characters (titles and names weigh most). */
  function search(query, filters, limit) {
    var parts = phrases(query);
    if (!parts.length) return Promise.resolve({ total: 0, results: [] });
    return loadPagefind().then(function (pf) {
      var options = { filters: filters || {} };
      /* a part of one word needs no phrase (and a single character stays a prefix) */
      var exact = parts.filter(function (part) { return part.indexOf(" ") > 0; }).map(function (part) { return pf.search('"' + part + '"', options); });
      return Promise.all([pf.search(parts.join(" "), options)].concat(exact)).then(function (found) {
        var ranked = found[0].results;
        var sets = found.slice(1).map(function (f) {
          var ids = {};
          f.results.forEach(function (r) { ids[r.id] = true; });
          return ids;
        });
        var hits = ranked.filter(function (r) { return sets.every(function (ids) { return ids[r.id]; }); });
        if (sets.length === 1 && parts.length === 1) {  /* phrase hits that the ranking left out come last */
          var seen = {};
          hits.forEach(function (r) { seen[r.id] = true; });
          found[1].results.forEach(function (r) { if (!seen[r.id]) hits.push(r); });
        }
        return Promise.all(hits.slice(0, limit || 10).map(function (r) { return r.data(); })).then(function (data) {
          return {
            total: hits.length,
            results: data.map(function (d) {
              var meta = {};
              Object.keys(d.meta || {}).forEach(function (k) { meta[k] = readable(d.meta[k]).trim(); });
              return { url: d.url, title: meta.title || d.url, meta: meta, excerpt: readable(d.excerpt || "") };
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
    moveStartedNotices(document);
    updateLiveLists(document);
    setupFilter(document);
    setupLargeText();
    setupSearch();
    setupGallery(document);
    setupMap(document);
    setupTianditu(document);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
