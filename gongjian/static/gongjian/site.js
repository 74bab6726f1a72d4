// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Draw every ECharts chart whose option sits in a <script type="application/json"> (no inline JS: CSP).
  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var option = JSON.parse(src.textContent);
      option.animation = false;  // figures are read, not watched; and screenshots see the final state
      chart.setOption(option);
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  // Ask before destructive actions: <form data-confirm="…">.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
  // Show progress on long uploads (imports): <form data-progress> disables its button and says so.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-progress") || e.defaultPrevented) return;
    // The button pressed (a form may have several); disabled only after the form data is taken,
    // so its own name and value still go with it.
    var btn = e.submitter || form.querySelector("[type=submit]");
    if (btn) {
      btn.textContent = form.getAttribute("data-progress");
      window.setTimeout(function () { btn.disabled = true; }, 0);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
})();
