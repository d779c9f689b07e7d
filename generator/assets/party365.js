/* party365: small enhancements on top of pages that already work without JavaScript.
   - countdowns of 公示 stay true on the day the page is read, not the day it was built;
   - the brand index gets its filter form;
   - a large-text switch (适老化) that is remembered across pages. */
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
    var search = header.querySelector("label[for=__search]");
    header.insertBefore(button, search);
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

  /* Scrollable regions (wide tables, code) must be reachable by keyboard (WCAG 2.1.1). */
  function focusableScrollers(root) {
    root.querySelectorAll(".md-typeset__scrollwrap, .md-typeset pre > code, .p365-table-wrap").forEach(function (el) {
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
    });
  }

  function init() {
    focusableScrollers(document);
    updateCountdowns(document);
    setupFilter(document);
    setupLargeText();
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
