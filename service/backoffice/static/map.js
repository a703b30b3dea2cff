// Maps of the back-office (Leaflet, vendored). The operator's basemap when /api/v1/tiles.json
// answers with raster tiles; otherwise the geometry alone on a plain background.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L) return;
  var map = L.map(box, { attributionControl: true, zoomControl: true });
  var editable = box.getAttribute("data-editable") === "true";
  var kind = box.getAttribute("data-kind");
  var field = function (name) { return document.querySelector("[name='" + name + "']"); };
  var num = function (v) { return parseFloat(String(v || "").replace(",", ".")); };

  fetch("/api/v1/tiles.json").then(function (r) { return r.ok ? r.json() : null; }).then(function (tj) {
    if (!tj || !tj.tiles || !tj.tiles.length || /pbf|mvt/.test(tj.format || tj.tiles[0])) return;
    L.tileLayer(tj.tiles[0], { minZoom: tj.minzoom || 0, maxNativeZoom: tj.maxzoom || 18, maxZoom: 19, attribution: tj.attribution || "" }).addTo(map);
  }).catch(function () {});

  function fit(latlngs) {
    if (latlngs.length === 1) map.setView(latlngs[0], 15);
    else if (latlngs.length) map.fitBounds(L.latLngBounds(latlngs).pad(0.1));
    else map.setView([48.4, 0.8], 9);
  }

  if (kind === "point") {
    var lat = field("lat"), lon = field("lon");
    var here = [num(lat.value) || 48.4, num(lon.value) || 0.8];
    var label = box.getAttribute("data-marker-label") || "";
    var marker = L.marker(here, { draggable: editable, keyboard: true, title: label, alt: label }).addTo(map);
    marker.on("dragend", function () {
      var p = marker.getLatLng(); lat.value = p.lat.toFixed(6); lon.value = p.lng.toFixed(6);
    });
    [lat, lon].forEach(function (input) { input.addEventListener("change", function () {
      var p = [num(lat.value), num(lon.value)]; if (!isNaN(p[0]) && !isNaN(p[1])) { marker.setLatLng(p); map.panTo(p); }
    }); });
    if (box.getAttribute("data-pick") === "true") {
      // A new point: a click places the marker (and fills the fields), as dragging it does.
      map.on("click", function (e) {
        marker.setLatLng(e.latlng); lat.value = e.latlng.lat.toFixed(6); lon.value = e.latlng.lng.toFixed(6);
      });
    }
    fit([here]);
  } else if (kind === "points") {
    var points = JSON.parse(box.getAttribute("data-points") || "[]"), all = [];
    points.forEach(function (c) { var p = [c[1], c[0]]; all.push(p); L.circleMarker(p, { radius: 5, color: "#22543d" }).addTo(map); });
    fit(all);
  } else if (kind === "boxes") {
    var boxes = JSON.parse(box.getAttribute("data-boxes") || "[]"), corners = [];
    boxes.forEach(function (b) {
      var sw = [b[1], b[0]], ne = [b[3], b[2]]; corners.push(sw, ne);
      L.rectangle([sw, ne], { color: "#22543d", weight: 2, fillOpacity: 0.05 }).addTo(map);
    });
    fit(corners);
  } else if (kind === "route") {
    var lineField = field("line"), line = [];
    try { line = JSON.parse(lineField.value || "[]").map(function (c) { return [c[1], c[0]]; }); } catch (e) { line = []; }
    var poly = L.polyline(line, { color: "#22543d", weight: 4 }).addTo(map);
    var sync = function () { lineField.value = JSON.stringify(poly.getLatLngs().map(function (p) { return [+p.lng.toFixed(6), +p.lat.toFixed(6)]; })); };
    var vertices = [];
    var addVertex = function (p, i) {
      var v = L.circleMarker(p, { radius: 4, color: "#1b1b1b" }).addTo(map);
      var handle = L.marker(p, { draggable: true, opacity: 0.01, keyboard: false }).addTo(map);
      handle.on("drag", function () { var ll = poly.getLatLngs(); ll[i] = handle.getLatLng(); poly.setLatLngs(ll); v.setLatLng(handle.getLatLng()); });
      handle.on("dragend", sync);
      vertices.push([v, handle]);
    };
    if (editable) line.forEach(addVertex);
    if (box.getAttribute("data-draw") === "true") {
      // A new route: each click adds the next point of the line; the button takes the last one back.
      var undo = document.getElementById("undo-point");
      var shown = function () { if (undo) undo.hidden = poly.getLatLngs().length === 0; };
      map.on("click", function (e) {
        var ll = poly.getLatLngs(); ll.push(e.latlng); poly.setLatLngs(ll); addVertex(e.latlng, ll.length - 1); sync(); shown();
      });
      if (undo) undo.addEventListener("click", function () {
        var ll = poly.getLatLngs(); if (!ll.length) return;
        ll.pop(); poly.setLatLngs(ll); var last = vertices.pop(); map.removeLayer(last[0]); map.removeLayer(last[1]); sync(); shown();
      });
      shown();
    }
    var lats = JSON.parse(box.getAttribute("data-stops") || "[]"), lons = JSON.parse(box.getAttribute("data-stops-lon") || "[]");
    var radii = JSON.parse(box.getAttribute("data-radii") || "[]"), all2 = line.slice();
    lats.forEach(function (la, i) {
      var p = [num(la), num(lons[i])]; if (isNaN(p[0]) || isNaN(p[1])) return; all2.push(p);
      L.circle(p, { radius: num(radii[i]) || 30, color: "#b45309", weight: 1 }).addTo(map);
      L.marker(p, { title: String(i + 1), keyboard: false }).bindTooltip(String(i + 1), { permanent: true, direction: "top" }).addTo(map);
    });
    var newMarker = null;
    if (editable) {
      map.on("click", function (e) {
        var la = field("new.lat"), lo = field("new.lon"); if (!la || !lo) return;
        la.value = e.latlng.lat.toFixed(6); lo.value = e.latlng.lng.toFixed(6);
        if (newMarker) newMarker.setLatLng(e.latlng); else newMarker = L.marker(e.latlng, { keyboard: false }).addTo(map);
        var title = field("new.title.fr"); if (title) title.focus();
      });
    }
    fit(all2);
  }
})();
