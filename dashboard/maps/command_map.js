/* Situation map drawing: areas, shelters and damage reports from one compact payload.
 *
 * Built for many points: reports are decoded once into typed arrays and drawn on one canvas;
 * when more than MAX_POINTS are in view they are aggregated into grid cells. User text is never
 * parsed as HTML: DOM text is set with textContent, and the few strings Leaflet inserts as
 * markup (tooltips, layer names) pass through esc() first.
 */
(function () {
  "use strict";
  if (window.DisasterMap) {
    return;
  }

  // Report dots drawn individually at most; beyond this the view is aggregated into cells.
  var MAX_POINTS = 2000;
  // Aggregation cell size in screen pixels.
  var CELL_PX = 64;
  // Pane of the aggregated cells: above the area and dot canvas, below shelter symbols.
  var CELL_PANE = "dmReportCells";
  var CELL_PANE_Z = 590;
  // Ward name labels are hidden below this zoom, where they would overlap (a payload's
  // labelMinZoom overrides it: the governor's municipalities are larger).
  var LABEL_MIN_ZOOM = 11;
  // Maps lower than this (pixels) start with the legend and the layer list folded (the list
  // expands on hover or tap), so neither covers the map and its popups.
  var COMPACT_HEIGHT = 760;
  var STORAGE_PREFIX = "disaster-map-view:";
  // Shelter symbols reach full size at this zoom and shrink by 15 % per level below it.
  var SHELTER_FULL_ZOOM = 15;
  var SHELTER_MIN_SCALE = 0.4;
  // Smallest symbol (pixels) that still shows its mark (福).
  var MARK_MIN_PX = 11;

  // Border of the areas selected for a directive.
  var SELECTED_BORDER = "#1f4fd1";
  // The followed directive's states of an area, and their texts.
  var ACK_STATES = { waiting: "map.ack.waiting", done: "map.ack.done" };

  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function esc(value) {
    return String(value === null || value === undefined ? "" : value).replace(
      /[&<>"']/g,
      function (c) {
        return ESCAPES[c];
      }
    );
  }

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function num(value) {
    if (value === null || value === undefined) {
      return null;
    }
    return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function el(tag, className, text, parent) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== null && text !== undefined) {
      node.textContent = String(text);
    }
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function swatch(parent, color, extraClass) {
    var node = el("span", "dm-swatch" + (extraClass ? " " + extraClass : ""), null, parent);
    node.style.background = color;
    return node;
  }

  // --- packed columns -------------------------------------------------------------------------

  var TYPED = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array };

  function decodeColumn(column, n) {
    var out = new Float64Array(n);
    var i;
    if (!column) {
      return out;
    }
    if (column.v) {
      for (i = 0; i < n; i++) {
        out[i] = column.v[i];
      }
      return out;
    }
    var binary = atob(column.b || "");
    var bytes = new Uint8Array(binary.length);
    for (i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    var raw = new TYPED[column.t](bytes.buffer);
    var offset = column.o || 0;
    if (column.d) {
      var sum = offset;
      for (i = 0; i < n; i++) {
        sum += raw[i];
        out[i] = sum;
      }
    } else {
      for (i = 0; i < n; i++) {
        out[i] = raw[i] + offset;
      }
    }
    return out;
  }

  // --- time -----------------------------------------------------------------------------------

  // Ages come in whole minutes before the server's "now"; they keep counting while the page is
  // open, on the browser's clock but from the server's reference.
  // A replay's clock stands still at its moment.
  // ``late``: minutes that had passed since ``nowMinute`` when this tab first showed the data
  // (data shared by many tabs is encoded once, at the first tab's moment).
  function Clock(nowMinute, tzOffsetMinutes, frozen, late) {
    this.nowMinute = nowMinute;
    this.tzo = tzOffsetMinutes || 0;
    this.loaded = Date.now() - Math.max(0, late || 0) * 60000;
    this.frozen = !!frozen;
  }

  Clock.prototype.minutes = function (age) {
    if (this.frozen) {
      return age;
    }
    return age + Math.max(0, Math.floor((Date.now() - this.loaded) / 60000));
  };

  Clock.prototype.stamp = function (age) {
    var d = new Date((this.nowMinute - age + this.tzo) * 60000);
    var hm = d.getUTCHours() + ":" + String(d.getUTCMinutes()).padStart(2, "0");
    return age >= 1440 ? d.getUTCMonth() + 1 + "/" + d.getUTCDate() + " " + hm : hm;
  };

  function agoText(ctx, age) {
    var T = ctx.T;
    if (age === null || age === undefined) {
      return T["map.never"];
    }
    var m = ctx.clock.minutes(age);
    var ago;
    if (m < 1) {
      ago = T["map.ago.now"];
    } else if (m < 60) {
      ago = fmt(T["map.ago.minutes"], { n: m });
    } else if (m < 1440) {
      ago = fmt(T["map.ago.hours"], { h: Math.floor(m / 60), m: m % 60 });
    } else {
      ago = fmt(T["map.ago.days"], { d: Math.floor(m / 1440) });
    }
    return ago + " (" + ctx.clock.stamp(age) + ")";
  }

  // --- popups ---------------------------------------------------------------------------------

  function popupBox(title, color) {
    var box = el("div", "dm-popup");
    var head = el("div", "dm-popup-title", null, box);
    if (color) {
      swatch(head, color);
    }
    el("span", null, title, head);
    return box;
  }

  function row(box, label, value) {
    if (value === null || value === undefined || value === "") {
      return;
    }
    var line = el("div", "dm-row", null, box);
    el("span", "dm-k", label, line);
    el("span", "dm-v", value, line);
  }

  function levelOf(ctx, level) {
    var levels = ctx.P.style.levels;
    return levels[Math.min(Math.max(level | 0, 0), levels.length - 1)];
  }

  function areaPopup(ctx, p) {
    var T = ctx.T;
    var level = levelOf(ctx, p.level);
    var box = popupBox(p.name, level.color);
    row(box, T["map.level.title"], level.label);
    if (p.silent) {
      el("div", "dm-alert", T["map.silent.note"], box);
    }
    row(box, T["map.area.open_shelters"], num(p.shelters));
    if (p.evacuees !== undefined && p.evacuees !== null) {
      var evac = num(p.evacuees);
      if (p.capacity !== undefined && p.capacity !== null) {
        evac += " / " + num(p.capacity);
      }
      row(box, T["map.area.evacuees"], evac);
    } else {
      row(box, T["map.area.capacity"], num(p.capacity));
    }
    row(box, T["map.area.reports"], num(p.reports));
    row(box, T["map.area.casualties"], num(p.casualties));
    if (ACK_STATES[p.ack]) {
      row(box, T["map.ack.title"], T[ACK_STATES[p.ack]]);
    }
    if (p.late) {
      row(box, T["map.late.title"], fmt(T["map.late"], { n: p.late }));
    } else if (p.first !== undefined) {
      var left = firstDueLeft(ctx, p);
      row(box, T["map.late.title"], left > 0 ? fmt(T["map.first_due"], { n: left }) :
        fmt(T["map.late"], { n: 1 }));
    }
    if (Object.prototype.hasOwnProperty.call(p, "last")) {
      row(box, T["map.area.last_report"], agoText(ctx, p.last));
    }
    return box;
  }

  function shelterPopup(ctx, i) {
    var T = ctx.T;
    var S = ctx.P.shelters;
    var av = ctx.P.style.availability[S.av[i]];
    var kind = ctx.P.style.kinds[S.kind[i]];
    var box = popupBox(S.name[i], av.color);
    row(box, T["map.shelter.kind"], kind.label);
    el("div", "dm-row dm-strong", av.label, box);
    var load = (S.ev[i] === null ? T["map.unknown"] : num(S.ev[i])) + " / " +
      (S.cap[i] === null ? T["map.unknown"] : num(S.cap[i]));
    if (S.ev[i] !== null && S.cap[i]) {
      load += " (" + Math.round((100 * S.ev[i]) / S.cap[i]) + "%)";
    }
    row(box, T["map.shelter.evacuees"], load);
    row(box, T["map.shelter.updated"], agoText(ctx, S.age[i]));
    return box;
  }

  function reportPopup(ctx, R, i) {
    var T = ctx.T;
    var category = ctx.P.style.categories[R.category(i)];
    var severity = R.severity(i);
    var box = popupBox(category.label, category.color);
    row(box, T["map.report.severity"], ctx.P.style.severities[severity] || String(severity));
    row(box, T["map.report.review"], R.raw.rl[R.r[i]] || T["map.unknown"]);
    var text = R.texts[i];
    if (text !== undefined) {
      el("div", "dm-text", text, box);
    } else if (R.hasText(i)) {
      el("div", "dm-note", T["map.report.description_elsewhere"], box);
    }
    var hurt = R.casualties[i];
    if (hurt) {
      row(
        box,
        T["map.report.casualties"],
        fmt(T["map.report.casualty_counts"], {
          dead: hurt[0],
          injured: hurt[1],
          missing: hurt[2],
          trapped: hurt[3]
        })
      );
    }
    row(box, T["map.report.reported"], agoText(ctx, R.a[i]));
    row(box, T["map.report.ward"], R.raw.wl[R.w[i]] || T["map.unknown"]);
    row(box, T["map.report.number"], String(R.id(i)));
    return box;
  }

  // --- areas ----------------------------------------------------------------------------------

  // Diagonal hatch over the level colour: a silent area keeps its level but looks different.
  function hatchPattern(ctx, color) {
    if (!ctx.hatches[color]) {
      var tile = document.createElement("canvas");
      tile.width = tile.height = 10;
      var g = tile.getContext("2d");
      g.fillStyle = color;
      g.fillRect(0, 0, 10, 10);
      g.strokeStyle = ctx.P.style.silent.hatch;
      g.lineWidth = 2.5;
      g.beginPath();
      g.moveTo(-1, 11);
      g.lineTo(11, -1);
      g.moveTo(-1, 1);
      g.lineTo(1, -1);
      g.moveTo(9, 11);
      g.lineTo(11, 9);
      g.stroke();
      ctx.hatches[color] = g.createPattern(tile, "repeat");
    }
    return ctx.hatches[color];
  }

  function areaStyle(ctx, p) {
    var color = levelOf(ctx, p.level).color;
    var silent = ctx.P.style.silent;
    return {
      fillColor: p.silent ? hatchPattern(ctx, color) : color,
      fillOpacity: ctx.P.fillOpacity,
      color: p.sel ? SELECTED_BORDER : p.silent ? silent.border : "#4a4a4a",
      weight: p.sel ? 4 : p.silent ? 2.5 : 1,
      dashArray: p.silent && !p.sel ? silent.dash : null,
      opacity: p.sel ? 1 : 0.9
    };
  }

  // Minutes left until a municipality's 第1報 is due, counting down while the page is open.
  function firstDueLeft(ctx, p) {
    return p.first - ctx.clock.minutes(0);
  }

  // An area's label: its name, and under it the followed directive's state and a late 第N報
  // (or the countdown to a 第1報 after an earthquake).
  function areaLabel(ctx, p) {
    var html = '<span class="dm-name">' + esc(p.name) + "</span>";
    if (ACK_STATES[p.ack]) {
      html += '<span class="dm-ack dm-ack-' + p.ack + '">' + esc(ctx.T[ACK_STATES[p.ack]]) +
        "</span>";
    }
    if (p.late) {
      html += '<span class="dm-late">' + esc(fmt(ctx.T["map.late"], { n: p.late })) + "</span>";
    } else if (p.first !== undefined) {
      var left = firstDueLeft(ctx, p);
      html += left > 0
        ? '<span class="dm-due">' + esc(fmt(ctx.T["map.first_due"], { n: left })) + "</span>"
        : '<span class="dm-late">' + esc(fmt(ctx.T["map.late"], { n: 1 })) + "</span>";
    }
    return html;
  }

  // Labels counting down to a 第1報 are rewritten each half minute (a replay stands still).
  function startCountdown(ctx, layer) {
    if (ctx.clock.frozen) {
      return;
    }
    var counting = [];
    layer.eachLayer(function (shape) {
      if (shape.feature.properties.first !== undefined) {
        counting.push(shape);
      }
    });
    if (!counting.length) {
      return;
    }
    ctx.countdown = setInterval(function () {
      counting.forEach(function (shape) {
        shape.setTooltipContent(areaLabel(ctx, shape.feature.properties));
      });
    }, 30000);
  }

  function drawAreas(ctx) {
    var layer = L.geoJSON(ctx.P.areas, {
      renderer: ctx.renderer,
      style: function (feature) {
        return areaStyle(ctx, feature.properties);
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        ctx.areaShapes[p.code] = shape;
        shape.bindTooltip(areaLabel(ctx, p), {
          permanent: true,
          direction: "center",
          className: "dm-area-label" + (p.silent ? " dm-silent-label" : "") +
            (p.sel ? " dm-sel-label" : "")
        });
        shape.bindPopup(function () {
          return areaPopup(ctx, p);
        }, { maxWidth: 320 });
        shape.on("mouseover", function () {
          shape.setStyle({ weight: p.silent || p.sel ? 5 : 3 });
        });
        shape.on("mouseout", function () {
          shape.setStyle(areaStyle(ctx, p));
        });
      }
    });
    return layer;
  }

  // --- shelters -------------------------------------------------------------------------------

  // Symbol size in pixels from capacity, shrunk when zoomed out so a city of shelters stays legible.
  function shelterSize(capacity, zoom) {
    var c = Math.max(capacity || 0, 1);
    var full = Math.min(30, Math.max(12, 10 + 4 * Math.log2(c / 50)));
    var factor = Math.min(1, Math.max(SHELTER_MIN_SCALE, 1 - 0.15 * (SHELTER_FULL_ZOOM - zoom)));
    return Math.round(full * factor);
  }

  function shelterSymbol(kind, color, size) {
    var mark = size >= MARK_MIN_PX ? kind.mark : null;
    var node = el("div", "dm-sym dm-shape-" + kind.shape, mark || null);
    node.style.width = node.style.height = size + "px";
    node.style.background = color;
    node.style.fontSize = Math.max(9, Math.round(size * 0.6)) + "px";
    node.style.lineHeight = size + "px";
    return node;
  }

  function shelterIcon(ctx, i, zoom) {
    var S = ctx.P.shelters;
    var size = shelterSize(S.cap[i], zoom);
    var symbol = shelterSymbol(
      ctx.P.style.kinds[S.kind[i]],
      ctx.P.style.availability[S.av[i]].color,
      size
    );
    return L.divIcon({ className: "dm-shelter", html: symbol, iconSize: [size, size] });
  }

  function drawShelters(ctx) {
    var S = ctx.P.shelters;
    var map = ctx.map;
    var group = L.featureGroup();
    var markers = [];
    var zoom = map.getZoom();
    for (var i = 0; i < S.n; i++) {
      var marker = L.marker([S.lat[i], S.lon[i]], {
        icon: shelterIcon(ctx, i, zoom),
        keyboard: false,
        riseOnHover: true
      });
      marker.feature = {
        type: "Feature",
        properties: { layer: "shelter", id: S.id[i], name: S.name[i] }
      };
      var load = S.ev[i] === null ? "" : " " + num(S.ev[i]) + "/" + (num(S.cap[i]) || "?");
      marker.bindTooltip(esc(S.name[i] + load), { direction: "top" });
      marker.bindPopup(
        (function (index) {
          return function () {
            return shelterPopup(ctx, index);
          };
        })(i),
        { maxWidth: 320 }
      );
      group.addLayer(marker);
      markers.push(marker);
      ctx.shelterMarkers[S.id[i]] = marker;
    }
    var shownZoom = zoom;
    listen(ctx, "zoomend", function () {
      var z = map.getZoom();
      if (shelterSize(1000, z) === shelterSize(1000, shownZoom)) {
        return;
      }
      shownZoom = z;
      markers.forEach(function (marker, index) {
        marker.setIcon(shelterIcon(ctx, index, z));
      });
    });
    return group;
  }

  // --- damage reports -------------------------------------------------------------------------

  function decodeReports(raw) {
    var n = raw.n;
    var R = {
      raw: raw,
      n: n,
      la: decodeColumn(raw.la, n),
      lo: decodeColumn(raw.lo, n),
      k: decodeColumn(raw.k, n),
      r: decodeColumn(raw.r, n),
      w: decodeColumn(raw.w, n),
      a: decodeColumn(raw.a, n),
      mx: new Float64Array(n),
      my: new Float64Array(n),
      texts: {},
      casualties: {}
    };
    var ids = raw.id ? decodeColumn(raw.id, n) : null;
    R.id = function (i) {
      return ids ? ids[i] : raw.ids[i];
    };
    R.category = function (i) {
      return R.k[i] >> 4;
    };
    R.severity = function (i) {
      return R.k[i] & 7;
    };
    R.hasText = function (i) {
      return (R.k[i] & 8) !== 0;
    };
    R.lat = function (i) {
      return R.la[i] / 1e5;
    };
    R.lon = function (i) {
      return R.lo[i] / 1e5;
    };
    // Web Mercator in world units (0..1), so panning and zooming need no re-projection.
    for (var i = 0; i < n; i++) {
      var s = Math.sin((R.la[i] / 1e5) * (Math.PI / 180));
      R.mx[i] = R.lo[i] / 1e5 / 360 + 0.5;
      R.my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
    for (i = 0; i < raw.dk.length; i++) {
      R.texts[raw.dk[i]] = raw.dv[i];
    }
    // Casualties are sparse: indices of the reports that have any, then one column per count.
    var keys = decodeColumn(raw.x.k, raw.x.n);
    var counts = ["d", "i", "m", "t"].map(function (name) {
      return decodeColumn(raw.x[name], raw.x.n);
    });
    for (i = 0; i < keys.length; i++) {
      R.casualties[keys[i]] = [counts[0][i], counts[1][i], counts[2][i], counts[3][i]];
    }
    return R;
  }

  function unprojectWorld(mx, my) {
    var lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * my))) * 180) / Math.PI;
    return [lat, (mx - 0.5) * 360];
  }

  // Dots live in this FeatureGroup, so a click on one reaches listeners of the group (e.g.
  // streamlit-folium's) with the dot as e.layer; aggregated cells live in a plain LayerGroup
  // whose clicks only zoom in.
  var ReportLayer = L.FeatureGroup.extend({
    initialize: function (ctx) {
      L.FeatureGroup.prototype.initialize.call(this, []);
      this._ctx = ctx;
      this._R = decodeReports(ctx.P.reports);
      this._visible = new Int32Array(this._R.n);
      this._enabled = ctx.P.style.categories.map(function () {
        return true;
      });
      this._cells = L.layerGroup();
      this.on("click", this._onDotClick, this);
    },

    onAdd: function (map) {
      L.FeatureGroup.prototype.onAdd.call(this, map);
      map.addLayer(this._cells);
      map.on("moveend", this._redraw, this);
      // Drawn after the page's synchronous script, so dots and cells are not in the map's
      // layer list when a host (streamlit-folium) attaches its own click listeners.
      var self = this;
      setTimeout(function () {
        self._redraw();
      }, 0);
    },

    onRemove: function (map) {
      map.off("moveend", this._redraw, this);
      map.removeLayer(this._cells);
      this.clearLayers();
      this._cells.clearLayers();
      L.FeatureGroup.prototype.onRemove.call(this, map);
    },

    setCategory: function (index, on) {
      this._enabled[index] = on;
      this._redraw();
    },

    _onDotClick: function (e) {
      var i = e.layer && e.layer.dmIndex;
      if (i === undefined || !this._map) {
        return;
      }
      this._openPopup(i, e.layer.getLatLng(), true);
    },

    _openPopup: function (i, latlng, autoPan) {
      var popup = L.popup({ maxWidth: 320, autoPan: autoPan })
        .setLatLng(latlng)
        .setContent(reportPopup(this._ctx, this._R, i));
      popup.dmKey = { layer: "report", id: this._R.id(i) };
      popup.openOn(this._map);
    },

    // Open the popup of the report ``id`` again after a redraw (if it is still there).
    openReport: function (id, latlng) {
      if (!this._map) {
        return;
      }
      for (var i = 0; i < this._R.n; i++) {
        if (this._R.id(i) === id) {
          this._openPopup(i, latlng, false);
          return;
        }
      }
    },

    _redraw: function () {
      var map = this._map;
      if (!map) {
        return;
      }
      this.clearLayers();
      this._cells.clearLayers();
      var R = this._R;
      var zoom = map.getZoom();
      var scale = 256 * Math.pow(2, zoom);
      var bounds = map.getPixelBounds();
      var padX = (bounds.max.x - bounds.min.x) * 0.25;
      var padY = (bounds.max.y - bounds.min.y) * 0.25;
      var x0 = bounds.min.x - padX;
      var x1 = bounds.max.x + padX;
      var y0 = bounds.min.y - padY;
      var y1 = bounds.max.y + padY;
      var visible = this._visible;
      var enabled = this._enabled;
      var count = 0;
      for (var i = 0; i < R.n; i++) {
        if (!enabled[R.k[i] >> 4]) {
          continue;
        }
        var px = R.mx[i] * scale;
        var py = R.my[i] * scale;
        if (px >= x0 && px <= x1 && py >= y0 && py <= y1) {
          visible[count++] = i;
        }
      }
      if (count <= MAX_POINTS || zoom >= map.getMaxZoom()) {
        this._drawDots(visible, count);
      } else {
        this._drawCells(visible, count, scale);
      }
    },

    _addDot: function (i) {
      var ctx = this._ctx;
      var R = this._R;
      var severity = R.severity(i);
      var dot = L.circleMarker([R.lat(i), R.lon(i)], {
        renderer: ctx.renderer,
        radius: ctx.P.style.radii[severity] || 5,
        fillColor: ctx.P.style.categories[R.category(i)].color,
        fillOpacity: 0.9,
        color: severity >= 4 ? "#000000" : "#ffffff",
        weight: severity >= 4 ? 2 : 1,
        opacity: 1
      });
      dot.dmIndex = i;
      dot.feature = { type: "Feature", properties: { layer: "report", id: R.id(i) } };
      this.addLayer(dot);
    },

    _drawDots: function (visible, count) {
      // Least severe first, so critical reports are drawn on top.
      for (var severity = 1; severity <= 4; severity++) {
        for (var k = 0; k < count; k++) {
          if (this._R.severity(visible[k]) === severity) {
            this._addDot(visible[k]);
          }
        }
      }
    },

    _drawCells: function (visible, count, scale) {
      var R = this._R;
      var cells = new Map();
      for (var k = 0; k < count; k++) {
        var i = visible[k];
        var key = Math.floor((R.mx[i] * scale) / CELL_PX) * 4194304 +
          Math.floor((R.my[i] * scale) / CELL_PX);
        var cell = cells.get(key);
        if (!cell) {
          cell = { n: 0, sx: 0, sy: 0, s: 0, first: i };
          cells.set(key, cell);
        }
        cell.n += 1;
        cell.sx += R.mx[i];
        cell.sy += R.my[i];
        var severity = R.severity(i);
        if (severity > cell.s) {
          cell.s = severity;
        }
      }
      var self = this;
      cells.forEach(function (cell) {
        if (cell.n === 1) {
          self._addDot(cell.first);
        } else {
          self._addCell(cell);
        }
      });
    },

    _addCell: function (cell) {
      var ctx = this._ctx;
      var map = this._map;
      var T = ctx.T;
      var size = Math.round(24 + 7 * Math.log10(cell.n));
      var latlng = unprojectWorld(cell.sx / cell.n, cell.sy / cell.n);
      var node = el("div", "dm-cell dm-cell-s" + cell.s, num(cell.n));
      node.style.width = node.style.height = node.style.lineHeight = size + "px";
      var marker = L.marker(latlng, {
        icon: L.divIcon({ className: "dm-cell-icon", html: node, iconSize: [size, size] }),
        keyboard: false,
        pane: CELL_PANE
      });
      var label = fmt(T["map.cluster.count"], { n: num(cell.n) }) + " · " +
        fmt(T["map.cluster.max_severity"], { s: cell.s }) + " — " + T["map.cluster.hint"];
      marker.bindTooltip(esc(label), { direction: "top" });
      marker.on("click", function () {
        map.setView(latlng, Math.min(map.getZoom() + 2, map.getMaxZoom()));
      });
      this._cells.addLayer(marker);
    }
  });

  // An entry of the layer control that filters one damage category in the report layer.
  var CategoryToggle = L.Layer.extend({
    initialize: function (reports, index) {
      this._reports = reports;
      this._index = index;
    },
    onAdd: function () {
      this._reports.setCategory(this._index, true);
      return this;
    },
    onRemove: function () {
      this._reports.setCategory(this._index, false);
      return this;
    }
  });

  // --- controls -------------------------------------------------------------------------------

  function swatchHtml(color, extraClass) {
    return '<span class="dm-swatch' + (extraClass ? " " + extraClass : "") +
      '" style="background:' + esc(color) + '"></span>';
  }

  function addLayerControl(ctx, entries) {
    var overlays = {};
    entries.forEach(function (entry) {
      overlays[entry.html] = entry.layer;
    });
    var control = L.control
      .layers(null, overlays, {
        collapsed: ctx.compact,
        position: "topright"
      })
      .addTo(ctx.map);
    ctx.controls.push(control);
  }

  function legendSection(parent, title) {
    var section = el("div", "dm-legend-section", null, parent);
    el("div", "dm-legend-heading", title, section);
    return section;
  }

  function legendItem(section, color, label, extraClass) {
    var item = el("div", "dm-legend-item", null, section);
    swatch(item, color, extraClass);
    el("span", null, label, item);
    return item;
  }

  function addLegend(ctx) {
    var P = ctx.P;
    var T = ctx.T;
    var style = P.style;
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = el("details", "dm-legend leaflet-bar");
      box.open = ctx.legendOpen === undefined ? !ctx.compact : ctx.legendOpen;
      ctx.legendBox = box;
      el("summary", null, T["map.legend.title"], box);
      var levels = legendSection(box, T["map.level.title"]);
      style.levels.forEach(function (level) {
        legendItem(levels, level.color, level.label);
      });
      legendItem(levels, "#ffffff", style.silent.label, "dm-swatch-silent");
      if (P.shelters) {
        var shelters = legendSection(box, T["map.availability.title"]);
        Object.keys(style.availability).forEach(function (key) {
          var av = style.availability[key];
          legendItem(shelters, av.color, av.label, "dm-swatch-round");
        });
        Object.keys(style.kinds).forEach(function (key) {
          var kind = style.kinds[key];
          var item = el("div", "dm-legend-item", null, shelters);
          item.appendChild(shelterSymbol(kind, "#ffffff", 14));
          el("span", null, kind.label, item);
        });
        el("div", "dm-legend-note", T["map.shelter.size_note"], shelters);
      }
      if (P.reports) {
        var reports = legendSection(box, T["map.report.title"]);
        style.categories.forEach(function (category) {
          legendItem(reports, category.color, category.label, "dm-swatch-round");
        });
        el("div", "dm-legend-note", T["map.report.size_note"], reports);
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(ctx.map);
    ctx.controls.push(control);
  }

  // The moment a replay shows, over the map.
  function addReplayNote(ctx) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      return el("div", "dm-replay-note", fmt(ctx.T["map.replay"], { time: ctx.clock.stamp(0) }));
    };
    control.addTo(ctx.map);
    ctx.controls.push(control);
  }

  // --- view -----------------------------------------------------------------------------------

  function setUpView(map, P) {
    var key = P.viewKey ? STORAGE_PREFIX + P.viewKey : null;
    var saved = null;
    if (key && !P.fixedView) {
      try {
        saved = JSON.parse(window.sessionStorage.getItem(key) || "null");
      } catch (err) {
        saved = null;
      }
    }
    if (saved && isFinite(saved.lat) && isFinite(saved.lng) && isFinite(saved.zoom)) {
      map.setView([saved.lat, saved.lng], saved.zoom, { animate: false });
    } else if (P.fit && !P.fixedView) {
      map.fitBounds(P.fit, { padding: [8, 8], animate: false });
    }
    if (key) {
      map.on("moveend", function () {
        try {
          var c = map.getCenter();
          window.sessionStorage.setItem(
            key,
            JSON.stringify({ lat: c.lat, lng: c.lng, zoom: map.getZoom() })
          );
        } catch (err) {
          // Storage may be disabled; the view then simply starts from the default.
        }
      });
    }
  }

  function updateLabelVisibility(map) {
    var container = map.getContainer();
    if (map.getZoom() < (map.dmLabelMinZoom || LABEL_MIN_ZOOM)) {
      container.classList.add("dm-labels-off");
    } else {
      container.classList.remove("dm-labels-off");
    }
  }

  // streamlit-folium runs the map script before leaflet.css has loaded; labels measured then
  // are misplaced (an unstyled tooltip is as wide as the map), so place them again once it has.
  function whenLeafletStyled(map, callback) {
    var pane = map.getPane("tooltipPane");
    var tries = 0;
    (function check() {
      if (window.getComputedStyle(pane).position === "absolute" || tries++ > 200) {
        callback();
      } else {
        setTimeout(check, 50);
      }
    })();
  }

  // --- entry point ----------------------------------------------------------------------------

  // A map listener that goes with the drawing (removed before the next one).
  function listen(ctx, type, handler) {
    ctx.map.on(type, handler);
    ctx.handlers.push([type, handler]);
  }

  // What identifies an open popup across a redraw: its layer kind and the area, shelter or
  // report it belongs to, and where it was opened.
  function popupKey(popup) {
    var key = popup.dmKey;
    if (!key) {
      var source = popup._source;
      var p = source && source.feature && source.feature.properties;
      if (!p) {
        return null;
      }
      key = { layer: p.layer, id: p.layer === "shelter" ? p.id : p.code };
    }
    return { layer: key.layer, id: key.id, latlng: popup.getLatLng(), popup: popup };
  }

  function reopenPopup(ctx, key) {
    var target = key.layer === "shelter" ? ctx.shelterMarkers[key.id] : ctx.areaShapes[key.id];
    if (key.layer === "report") {
      if (ctx.reports && ctx.map.hasLayer(ctx.reports)) {
        ctx.reports.openReport(key.id, key.latlng);
      }
      return;
    }
    if (!target || !target.getPopup() || !target._map) {
      return;
    }
    // Where it was, without panning the map: the user left the view as it is.
    var options = target.getPopup().options;
    options.autoPan = false;
    target.openPopup(key.layer === "shelter" ? undefined : key.latlng);
    options.autoPan = true;
  }

  // Remove the previous drawing, keeping what the user chose: the open popup, the layers
  // switched off, the legend folded or not.
  function takeDown(map, ctx) {
    var kept = {
      popup: ctx.open,
      hidden: {},
      legendOpen: ctx.legendBox ? ctx.legendBox.open : undefined
    };
    ctx.entries.forEach(function (entry) {
      if (!map.hasLayer(entry.layer)) {
        kept.hidden[entry.key] = true;
      }
    });
    ctx.closing = true;
    // An open popup goes at once too (Leaflet fades it out over 200 ms, next to the re-opened
    // one with the new numbers).
    var popups = [];
    map.eachLayer(function (layer) {
      if (layer instanceof L.Popup && layer.getElement()) {
        popups.push(layer.getElement());
      }
    });
    map.closePopup();
    popups.forEach(function (element) {
      L.DomUtil.remove(element);
    });
    ctx.entries.forEach(function (entry) {
      map.removeLayer(entry.layer);
    });
    // The old area labels go at once: Leaflet fades a removed tooltip out over 200 ms, which
    // leaves the old labels in the page next to the new ones (a municipality shown both with
    // and without its 「第N報 遅延」 mark) for as long.
    Object.keys(ctx.areaShapes).forEach(function (code) {
      var tip = ctx.areaShapes[code].getTooltip();
      if (tip && tip.getElement()) {
        L.DomUtil.remove(tip.getElement());
      }
    });
    ctx.controls.forEach(function (control) {
      map.removeControl(control);
    });
    ctx.handlers.forEach(function (handler) {
      map.off(handler[0], handler[1]);
    });
    if (ctx.countdown) {
      clearInterval(ctx.countdown);
    }
    return kept;
  }

  // Once per map: base layer, view, labels and the popup bookkeeping.
  function setUpMap(map, P) {
    var container = map.getContainer();
    container.classList.add("dm-map");
    map.dmLabelMinZoom = P.labelMinZoom || LABEL_MIN_ZOOM;
    if (!map.getPane(CELL_PANE)) {
      map.createPane(CELL_PANE).style.zIndex = String(CELL_PANE_Z);
    }
    if (P.tiles) {
      L.tileLayer(P.tiles.url, {
        attribution: P.tiles.attribution,
        maxZoom: P.tiles.maxZoom,
        minZoom: P.tiles.minZoom,
        maxNativeZoom: P.tiles.maxNativeZoom,
        bounds: P.tiles.bounds
      }).addTo(map);
    } else {
      container.classList.add("dm-no-tiles");
    }
    if (P.attribution) {
      map.attributionControl.addAttribution(esc(P.attribution));
    }
    setUpView(map, P);
    updateLabelVisibility(map);
    map.on("zoomend", function () {
      updateLabelVisibility(map);
    });
    map.on("popupopen", function (e) {
      if (map.dmCtx) {
        map.dmCtx.open = popupKey(e.popup);
      }
    });
    map.on("popupclose", function (e) {
      var ctx = map.dmCtx;
      if (ctx && !ctx.closing && ctx.open && ctx.open.popup === e.popup) {
        ctx.open = null;
      }
    });
  }

  // Draw the payload ``P`` into ``map``; called again with new data, it redraws in place.
  function draw(map, P) {
    var kept = map.dmCtx ? takeDown(map, map.dmCtx) : null;
    if (!kept) {
      setUpMap(map, P);
    }
    var ctx = {
      map: map,
      P: P,
      T: P.texts,
      renderer: L.canvas({ padding: 0.5 }),
      clock: new Clock(P.now, P.tzo, P.replay, P.late),
      hatches: {},
      compact: map.getSize().y < COMPACT_HEIGHT,
      areaShapes: {},
      shelterMarkers: {},
      entries: [],
      controls: [],
      handlers: [],
      open: null,
      legendOpen: kept ? kept.legendOpen : undefined
    };
    map.getContainer().classList.toggle("dm-replay", !!P.replay);

    var entries = ctx.entries;
    if (P.areas) {
      var areas = drawAreas(ctx).addTo(map);
      entries.push({ key: "areas", html: esc(P.areasLabel), layer: areas });
      startCountdown(ctx, areas);
      whenLeafletStyled(map, function () {
        areas.eachLayer(function (shape) {
          var tip = shape.getTooltip();
          if (tip && tip.isOpen()) {
            tip.update();
          }
        });
      });
    }
    if (P.shelters) {
      var shelters = drawShelters(ctx).addTo(map);
      entries.push({
        key: "shelters",
        html: esc(ctx.T["map.layer.shelters"] + " (" + num(P.shelters.n) + ")"),
        layer: shelters
      });
    }
    if (P.reports) {
      var reports = (ctx.reports = new ReportLayer(ctx).addTo(map));
      entries.push({
        key: "reports",
        html: esc(ctx.T["map.layer.reports"] + " (" + num(P.reports.n) + ")"),
        layer: reports
      });
      P.style.categories.forEach(function (category, index) {
        var toggle = new CategoryToggle(reports, index).addTo(map);
        entries.push({
          key: "category" + index,
          html: '<span class="dm-indent">' + swatchHtml(category.color, "dm-swatch-round") +
            esc(category.label + " (" + num(P.reports.cc[index]) + ")") + "</span>",
          layer: toggle
        });
      });
    }
    if (kept) {
      entries.forEach(function (entry) {
        if (kept.hidden[entry.key]) {
          map.removeLayer(entry.layer);
        }
      });
    }
    addLayerControl(ctx, entries);
    addLegend(ctx);
    if (P.replay) {
      addReplayNote(ctx);
    }
    map.dmCtx = ctx;
    if (kept && kept.popup) {
      reopenPopup(ctx, kept.popup);
    }
    return ctx;
  }

  window.DisasterMap = { draw: draw, escape: esc };
})();
