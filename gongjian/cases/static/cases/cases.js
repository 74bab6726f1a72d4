// Cases: the map and "use my location". Progressive enhancement only; no inline script (CSP).
(function () {
  "use strict";
  var COLORS = { done: "#d97706", closed: "#2f7d4f", open: "#b8322a" };
  function colorOf(status) {
    if (status === "closed" || status === "verified") return COLORS.closed;
    if (status === "resolved") return COLORS.done;
    return COLORS.open;
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function drawMap(el) {
    if (!window.L) return;
    // No zoom animation: the view is set once from the markers, and screenshots see the final state.
    var map = window.L.map(el, {
      zoomControl: true, attributionControl: !!el.dataset.tiles, zoomAnimation: false, fadeAnimation: false
    });
    if (el.dataset.tiles) {
      window.L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    map.setView([27.85, 113.13], 12); // Zhuzhou, until the markers say otherwise
    fetch(el.dataset.source, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var points = [];
        data.cases.forEach(function (c) {
          var m = window.L.circleMarker([c.lat, c.lng], {
            radius: 8, color: "#fff", weight: 2, fillColor: colorOf(c.status), fillOpacity: 0.9
          }).addTo(map);
          m.bindPopup('<a href="' + esc(c.url) + '">' + esc(c.number) + "</a><br>" + esc(c.category) +
            " · " + esc(c.status_label) + "<br>" + esc(c.community) + " · " + esc(c.reported));
          points.push([c.lat, c.lng]);
        });
        if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom: 16, animate: false });
        else el.insertAdjacentHTML("beforeend", '<p class="map-empty">' + esc(el.dataset.empty) + "</p>");
        el.dataset.markers = String(points.length);
      });
  }
  function locate(btn) {
    if (!navigator.geolocation) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = document.getElementById("id_lat"), lng = document.getElementById("id_lng");
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        lng.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("case-map");
    if (el) drawMap(el);
    document.querySelectorAll("[data-locate]").forEach(locate);
  });
})();
