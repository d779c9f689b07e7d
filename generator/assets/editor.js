/* party365 web editor: what a form does better than YAML, as Decap CMS widgets.
 *
 * Shipped as /admin/p365-editor.js after the CMS bundle (no inline script: the page's policy
 * allows only the site's own files). Data comes from the page's JSON block #p365-data (the page's
 * own: slug, 十上墙 checklist) and the shared /admin/p365-town-data.js (window.p365TownData: today,
 * calendar, map), both written by generator/cms.py from the same sources the validator uses:
 *   - p365-end: a notice's end date, proposed from its start and the town's holidays.yml
 *     (working days as generator/dates.py WorkCalendar counts them; tests compare the two);
 *   - p365-location: org.yml's location, picked by clicking the town's schematic map (the
 *     public map's projection, generator/svgmap.py Projection; stored as WGS-84, 4 decimals);
 *   - p365-category: a disclosure's 栏目, with the quarter's 十上墙 headings as a checklist;
 *   - p365-markdown: every Markdown field (bodies, 简介, 品牌理念 …) as a plain text box, with
 *     the CMS's Markdown preview. Decap's own Markdown editor is Slate (a contenteditable, also
 *     in its "raw" mode), which loses text committed by a Chinese IME on a busy computer; a
 *     textarea keeps what is composed, and the entry is updated when a composition ends.
 * The pure functions below are exported for Node (tests/test_cms.py runs them there).
 */
(function (root, factory) {
  "use strict";
  var core = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = core;
  } else if (root && root.CMS) {
    core.install(root);
  }
})(typeof window !== "undefined" ? window : this, function () {
  "use strict";

  var DAY = 86400000;

  function toDay(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY : null;
  }

  function toIso(day) {
    return new Date(day * DAY).toISOString().slice(0, 10);
  }

  function makeCalendar(data) {
    return { holidays: new Set(data.holidays), workdays: new Set(data.workdays), years: new Set(data.years), min: data.min || 5 };
  }

  // Monday to Friday, less holidays, plus 调休 weekend workdays (dates.WorkCalendar.is_workday).
  function isWorkday(cal, iso) {
    if (cal.workdays.has(iso)) return true;
    if (cal.holidays.has(iso)) return false;
    var weekday = new Date(toDay(iso) * DAY).getUTCDay();
    return weekday >= 1 && weekday <= 5;
  }

  function countWorkdays(cal, start, end) {
    var count = 0;
    for (var day = toDay(start), last = toDay(end); day <= last; day++) count += isWorkday(cal, toIso(day)) ? 1 : 0;
    return count;
  }

  // The first day on which a notice from `start` has `n` working days (dates.WorkCalendar.earliest_end).
  function proposeEnd(cal, start, n) {
    var first = toDay(start);
    if (first === null) return null;
    var need = n || cal.min;
    for (var day = first, count = 0; day < first + 400; day++) {
      if (isWorkday(cal, toIso(day))) count++;
      if (count >= need) return toIso(day);
    }
    return null;
  }

  function missingYears(cal, start, end) {
    var out = [];
    for (var y = +start.slice(0, 4); y <= +end.slice(0, 4); y++) if (!cal.years.has(y)) out.push(y);
    return out;
  }

  // Days inside [start, end] that are not counted (holidays on weekdays) or counted although a weekend (调休).
  function adjustments(cal, start, end) {
    var off = [];
    var on = [];
    for (var day = toDay(start), last = toDay(end); day <= last; day++) {
      var iso = toIso(day);
      var weekday = new Date(day * DAY).getUTCDay();
      if (cal.holidays.has(iso) && weekday >= 1 && weekday <= 5 && !cal.workdays.has(iso)) off.push(iso);
      if (cal.workdays.has(iso) && (weekday === 0 || weekday === 6)) on.push(iso);
    }
    return { off: off, on: on };
  }

  // svgmap.Projection: x = PAD + (lon - west) * kx * scale, y = PAD + (north - lat) * scale.
  function toXY(map, lat, lon) {
    return [map.pad + (lon - map.west) * map.kx * map.scale, map.pad + (map.north - lat) * map.scale];
  }

  function round4(value) {
    return Math.round(value * 10000) / 10000;
  }

  // The inverse, kept inside the town's bbox (the validator's range), rounded as the contract rounds.
  function toLatLon(map, x, y) {
    var lon = map.west + (x - map.pad) / (map.kx * map.scale);
    var lat = map.north - (y - map.pad) / map.scale;
    if (map.bbox) {
      lat = Math.min(Math.max(lat, map.bbox.south), map.bbox.north);
      lon = Math.min(Math.max(lon, map.bbox.west), map.bbox.east);
    }
    return { lat: round4(lat), lon: round4(lon) };
  }

  // The quarter's required headings: done (an item this quarter), this entry, or missing.
  function checklist(shiqiang, category) {
    if (!shiqiang) return [];
    return shiqiang.required.map(function (heading) {
      var state = shiqiang.done.indexOf(heading) >= 0 ? "done" : heading === category ? "this" : "missing";
      return { heading: heading, state: state };
    });
  }

  function formatDay(iso) {
    var d = new Date(toDay(iso) * DAY);
    return d.getUTCMonth() + 1 + "月" + d.getUTCDate() + "日";
  }

  // ------------------------------------------------------------ the widgets (browser only)

  function install(win) {
    var CMS = win.CMS;
    var h = win.h;
    var createClass = win.createClass;
    var block = win.document.getElementById("p365-data");
    var data = Object.assign({}, win.p365TownData || {}, block ? JSON.parse(block.textContent) : {});
    var cal = makeCalendar(data.calendar || { holidays: [], workdays: [], years: [] });

    function entryValue(props, name) {
      var entry = props.getEntry ? props.getEntry() : props.entry;
      var value = entry && entry.getIn(["data", name]);
      return typeof value === "string" ? value : value ? String(value) : "";
    }

    function note(text, kind) {
      return h("p", { className: "p365-note" + (kind ? " p365-" + kind : "") }, text);
    }

    var EndControl = createClass({
      getInitialState: function () {
        return { start: entryValue(this.props, "start") };
      },
      componentDidMount: function () {
        var self = this;
        // The entry a widget gets is not re-rendered when another field changes: look for a new start.
        this.timer = win.setInterval(function () {
          var start = entryValue(self.props, "start");
          var previous = self.state.start;
          if (start !== previous) self.setState({ start: start }, function () { self.fill(previous); });
        }, 300);
        this.fill();
      },
      componentWillUnmount: function () {
        win.clearInterval(this.timer);
      },
      // An empty end, or the end proposed for the start before it was corrected, follows the start;
      // an end the clerk wrote is left alone.
      fill: function (previous) {
        var proposal = proposeEnd(cal, this.state.start);
        var stale = previous ? proposeEnd(cal, previous) : null;
        if (proposal && (!this.props.value || this.props.value === stale)) this.props.onChange(proposal);
      },
      render: function () {
        var props = this.props;
        var start = this.state.start;
        var value = typeof props.value === "string" ? props.value : "";
        var proposal = proposeEnd(cal, start);
        var parts = [
          h("input", {
            key: "input",
            type: "date",
            id: props.forID,
            className: props.classNameWrapper,
            value: value,
            onChange: function (event) {
              props.onChange(event.target.value);
            },
          }),
        ];
        if (!proposal) {
          parts.push(note("先填写“公示开始日期”，这里会按本镇工作日推算结束日期。", "hint"));
        } else {
          var adj = adjustments(cal, start, proposal);
          var why = [];
          if (adj.off.length) why.push("放假 " + adj.off.map(formatDay).join("、") + " 不算");
          if (adj.on.length) why.push("调休上班 " + adj.on.map(formatDay).join("、") + " 算");
          parts.push(
            h(
              "p",
              { key: "proposal", className: "p365-note p365-proposal" },
              "按本镇工作日推算：从 " + start + " 起满 " + cal.min + " 个工作日，最早 " + proposal + " 结束" + (why.length ? "（" + why.join("，") + "）" : "") + "。",
              value !== proposal
                ? h("button", { type: "button", className: "p365-use", onClick: function () { props.onChange(proposal); } }, "填入 " + proposal)
                : null,
            ),
          );
          if (value && toDay(value) !== null) {
            var days = countWorkdays(cal, start, value);
            if (toDay(value) < toDay(start)) parts.push(note("结束日期早于开始日期。", "warn"));
            else if (days < cal.min) parts.push(note("现在只有 " + days + " 个工作日，至少需要 " + cal.min + " 个。", "warn"));
            var missing = missingYears(cal, start, value);
            if (missing.length) parts.push(note("节假日表里没有 " + missing.join("、") + " 年，只按周末推算；请镇党委补上。", "warn"));
          }
        }
        return h("div", { className: "p365-end" }, parts.map(function (part, i) { return part && part.key ? part : h("div", { key: i }, part); }));
      },
    });

    function pointOf(value) {
      if (!value) return null;
      var lat = value.get ? value.get("lat") : value.lat;
      var lon = value.get ? value.get("lon") : value.lon;
      return typeof lat === "number" && typeof lon === "number" ? { lat: lat, lon: lon } : null;
    }

    var LocationControl = createClass({
      change: function (lat, lon) {
        var props = this.props;
        var entry = props.getEntry ? props.getEntry() : props.entry;
        var empty = entry && entry.get("data") && entry.get("data").clear ? entry.get("data").clear() : null;
        var next = { lat: lat, lon: lon };
        props.onChange(empty ? empty.merge(next) : next); // an Immutable Map like the object widget's
      },
      click: function (event) {
        var svg = event.currentTarget;
        var pt = svg.createSVGPoint();
        pt.x = event.clientX;
        pt.y = event.clientY;
        var local = pt.matrixTransform(svg.getScreenCTM().inverse());
        var picked = toLatLon(data.map, local.x, local.y);
        this.change(picked.lat, picked.lon);
      },
      render: function () {
        var self = this;
        var props = this.props;
        var map = data.map;
        var here = pointOf(props.value);
        var slug = data.slug;
        var shapes = [h("rect", { key: "bg", x: 0, y: 0, width: map.width, height: map.height, className: "p365-map-bg" })];
        map.points.forEach(function (p) {
          if (p.slug === slug) return;
          shapes.push(h("circle", { key: p.slug, cx: p.x, cy: p.y, r: 6, className: "p365-map-other" }, h("title", null, p.name)));
        });
        if (here) {
          var xy = toXY(map, here.lat, here.lon);
          shapes.push(h("circle", { key: "here", cx: xy[0], cy: xy[1], r: 12, className: "p365-map-here" }, h("title", null, "本组织")));
        }
        function number(name, label) {
          return h(
            "label",
            { key: name, className: "p365-coord" },
            label + " ",
            h("input", {
              type: "number",
              step: "0.0001",
              id: name === "lat" ? props.forID : undefined,
              value: here ? here[name] : "",
              onChange: function (event) {
                var v = parseFloat(event.target.value);
                if (isNaN(v)) return;
                var cur = here || { lat: map.bbox ? map.bbox.south : 0, lon: map.bbox ? map.bbox.west : 0 };
                cur[name] = round4(v);
                self.change(cur.lat, cur.lon);
              },
            }),
          );
        }
        return h(
          "div",
          { className: "p365-location " + (props.classNameWrapper || "") },
          h("p", { className: "p365-note" }, "在全镇示意图上点击党群服务中心（活动场所）的位置；灰点是其他党组织。保存为经纬度（WGS-84，4 位小数）。"),
          h(
            "svg",
            {
              className: "p365-map",
              viewBox: "0 0 " + map.width + " " + map.height,
              role: "img",
              "aria-label": "全镇示意图：点击选择位置",
              onClick: this.click,
            },
            shapes,
          ),
          h("div", { className: "p365-coords" }, number("lat", "纬度"), number("lon", "经度"),
            here ? h("button", { type: "button", onClick: function () { props.onChange(null); } }, "清除位置") : null),
        );
      },
    });

    var CategoryControl = createClass({
      render: function () {
        var props = this.props;
        var options = props.field.get("options");
        options = options && options.toJS ? options.toJS() : options || [];
        var value = typeof props.value === "string" ? props.value : "";
        var shiqiang = data.shiqiang;
        var list = checklist(shiqiang, value);
        var missing = list.filter(function (row) { return row.state === "missing"; }).length;
        var select = h(
          "select",
          {
            id: props.forID,
            className: props.classNameWrapper,
            value: value,
            onChange: function (event) { props.onChange(event.target.value); },
          },
          [h("option", { key: "", value: "" }, "请选择栏目")].concat(options.map(function (o) { return h("option", { key: o, value: o }, o); })),
        );
        if (!shiqiang) return select;
        var items = list.map(function (row) {
          var mark = row.state === "done" ? "已公开" : row.state === "this" ? "本条" : "未公开";
          return h(
            "li",
            { key: row.heading, className: "p365-check p365-" + row.state },
            h("input", { type: "checkbox", checked: row.state !== "missing", readOnly: true, tabIndex: -1, "aria-hidden": "true" }),
            row.state === "missing"
              ? h("button", { type: "button", onClick: function () { props.onChange(row.heading); } }, row.heading)
              : h("span", null, row.heading),
            h("span", { className: "p365-mark" }, mark),
          );
        });
        return h(
          "div",
          { className: "p365-category" },
          select,
          h(
            "section",
            { className: "p365-checklist", "aria-label": "本季度十上墙" },
            h("p", { className: "p365-note" },
              shiqiang.quarter + "（" + shiqiang.sector + "）“十上墙”：" + (missing
                ? "还有 " + missing + " 个栏目本季度没有公开，点栏目名即可选用。"
                : value && shiqiang.done.indexOf(value) < 0 && shiqiang.required.indexOf(value) >= 0
                  ? "本条发布后，本季度就都公开了。"
                  : "本季度都已公开。")),
            h("ul", null, items),
          ),
        );
      },
    });

    function textOf(value) {
      return typeof value === "string" ? value : "";
    }

    // A plain <textarea>: the browser owns the text while an IME composes; the entry gets the text
    // on every input outside a composition, when the composition ends, and when the box is left.
    var MarkdownControl = createClass({
      getInitialState: function () {
        return { text: textOf(this.props.value) };
      },
      componentDidUpdate: function (prev) {
        // a value set from outside (an entry loaded, a draft restored) replaces the box's text,
        // never in the middle of a composition
        var value = textOf(this.props.value);
        if (value !== textOf(prev.value) && value !== this.state.text && !this.composing) this.setState({ text: value });
      },
      commit: function (text) {
        if (text !== textOf(this.props.value)) this.props.onChange(text);
      },
      render: function () {
        var self = this;
        var props = this.props;
        return h("textarea", {
          id: props.forID,
          className: (props.classNameWrapper || "") + " p365-markdown",
          value: this.state.text,
          rows: 8,
          lang: "zh-CN",
          spellCheck: false,
          onCompositionStart: function () {
            self.composing = true;
          },
          onCompositionEnd: function (event) {
            var text = event.target.value;
            self.composing = false;
            self.setState({ text: text });
            self.commit(text);
          },
          onChange: function (event) {
            var text = event.target.value;
            self.setState({ text: text });
            var native = event.nativeEvent;
            if (!self.composing && !(native && native.isComposing)) self.commit(text);
          },
          onFocus: props.setActiveStyle,
          onBlur: function (event) {
            self.composing = false;
            self.commit(event.target.value);
            if (props.setInactiveStyle) props.setInactiveStyle();
          },
        });
      },
    });

    // Previews: the item laid out as the site shows it (title, the facts line, the body, photos).
    function text(entry, name) {
      var value = entry.getIn(["data", name]);
      return value === undefined || value === null ? "" : String(value);
    }

    function photos(props) {
      var list = props.entry.getIn(["data", "photos"]);
      if (!list || !list.map) return null;
      return list.map(function (photo, i) {
        var file = photo.get("file");
        var asset = file ? props.getAsset(file) : null;
        return h(
          "figure",
          { key: i, className: "p365-figure" },
          asset ? h("img", { src: asset.toString(), alt: photo.get("alt") || "" }) : null,
          photo.get("caption") ? h("figcaption", null, photo.get("caption")) : null,
        );
      });
    }

    var DisclosurePreview = createClass({
      render: function () {
        var entry = this.props.entry;
        var facts = [text(entry, "category"), text(entry, "date") || "发布日期取文件名", text(entry, "audience") || "向社会公开"];
        return h(
          "article",
          { className: "p365-preview" },
          h("h1", null, text(entry, "title") || "（标题）"),
          h("p", { className: "p365-facts" }, facts.filter(Boolean).join(" · ")),
          text(entry, "audience") === "党内" ? h("p", { className: "p365-warn" }, "党内事项：只上公开栏，不在网站上显示。") : null,
          this.props.widgetFor("body"),
          photos(this.props),
        );
      },
    });

    var NoticePreview = createClass({
      render: function () {
        var entry = this.props.entry;
        var start = text(entry, "start");
        var end = text(entry, "end");
        var period = start && end && toDay(end) >= toDay(start) ? start + " 至 " + end + "（" + countWorkdays(cal, start, end) + " 个工作日）" : "";
        var objection = entry.getIn(["data", "objection"]);
        var channels = [];
        if (objection && objection.get) {
          [["phone", "电话"], ["address", "地址"], ["email", "电子邮箱"], ["contact", "联系人"]].forEach(function (pair) {
            if (objection.get(pair[0])) channels.push(pair[1] + "：" + objection.get(pair[0]));
          });
        }
        return h(
          "article",
          { className: "p365-preview" },
          h("h1", null, text(entry, "title") || "（标题）"),
          h("p", { className: "p365-facts" }, [text(entry, "kind"), period ? "公示期 " + period : ""].filter(Boolean).join(" · ")),
          this.props.widgetFor("body"),
          channels.length ? h("p", { className: "p365-objection" }, "公示期间如有意见，请反映：" + channels.join("；")) : null,
        );
      },
    });

    CMS.registerPreviewTemplate("disclosures", DisclosurePreview);
    CMS.registerPreviewTemplate("notices", NoticePreview);
    CMS.registerPreviewStyle("../p365-editor.css");
    CMS.registerWidget("p365-end", EndControl);
    CMS.registerWidget("p365-location", LocationControl);
    CMS.registerWidget("p365-category", CategoryControl);
    var markdown = CMS.getWidget ? CMS.getWidget("markdown") : null; // its preview: the Markdown rendered
    CMS.registerWidget("p365-markdown", MarkdownControl, markdown ? markdown.preview : undefined);
    var style = win.document.createElement("link");
    style.rel = "stylesheet";
    style.href = "../p365-editor.css";
    win.document.head.appendChild(style);
  }

  return {
    toDay: toDay,
    toIso: toIso,
    makeCalendar: makeCalendar,
    isWorkday: isWorkday,
    countWorkdays: countWorkdays,
    proposeEnd: proposeEnd,
    missingYears: missingYears,
    adjustments: adjustments,
    toXY: toXY,
    toLatLon: toLatLon,
    checklist: checklist,
    install: install,
  };
});
