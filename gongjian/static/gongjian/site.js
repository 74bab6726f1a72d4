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
  // A like without reloading the page: <form data-vote-url="…"> (the round page) posts its candidate
  // to the JSON vote endpoint with the session's CSRF token and shows the answer in the candidate's
  // card. Whatever it cannot show there (not verified or signed out, asked a question, no network)
  // goes the way of the plain form, which works without this script.
  function voteFlash(form, level, text) {
    var card = form.closest(".rm-card");
    var old = card.querySelector(".rm-flash");
    if (old) old.remove();
    var p = document.createElement("p");
    p.className = "msg msg-" + level + " rm-flash";
    p.setAttribute("role", "status");
    p.setAttribute("data-testid", "flash");
    p.textContent = text;
    card.insertBefore(p, card.querySelector(".rm-like"));
  }
  function voteCounted(form) {
    var card = form.closest(".rm-card");
    var count = card.querySelector(".rm-count");
    if (count && count.firstChild && count.firstChild.nodeType === Node.TEXT_NODE) {
      var n = parseInt(count.firstChild.nodeValue, 10);
      if (!isNaN(n)) count.firstChild.nodeValue = String(n + 1);
    }
    var used = document.querySelector("[data-vote-used]"), left = document.querySelector("[data-vote-left]");
    if (used && left) {
      used.textContent = String(parseInt(used.textContent, 10) + 1);
      left.textContent = String(Math.max(0, parseInt(left.textContent, 10) - 1));
    }
    form.querySelector("[type=submit]").classList.add("rm-liked");
    if (!card.querySelector("[data-testid=liked]")) {
      var liked = document.createElement("span");
      liked.className = "muted";
      liked.setAttribute("data-testid", "liked");
      liked.textContent = form.getAttribute("data-vote-liked");
      form.after(liked);
    }
    voteFlash(form, "success", form.getAttribute("data-vote-ok"));
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-vote-url") || e.defaultPrevented || !window.fetch) return;
    if (form.querySelector("[name=challenge_answer]")) return;  // an answer goes with the plain form
    e.preventDefault();
    var btn = form.querySelector("[type=submit]");
    btn.disabled = true;
    fetch(form.getAttribute("data-vote-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value,
      },
      body: JSON.stringify({ candidate: parseInt(form.querySelector("[name=candidate]").value, 10) }),
    }).then(function (answer) {
      if (answer.status === 201) {
        btn.disabled = false;
        voteCounted(form);
      } else if (answer.status === 400 || answer.status === 404) {  // refused, with the reason
        return answer.json().then(function (body) {
          btn.disabled = false;
          voteFlash(form, "error", body.detail);
        });
      } else {
        form.submit();
      }
    }).catch(function () { form.submit(); });
  });
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
})();
