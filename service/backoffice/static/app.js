// Odyssée back-office: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  var csrf = function (form) { var f = form && form.querySelector("input[name=csrf_token]"); return f ? f.value : ""; };

  // One-tap availability: send the tap without reloading the page; aria-pressed follows the server.
  document.querySelectorAll("form.availability").forEach(function (form) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=availability]");
      if (!button || !window.fetch) return;
      event.preventDefault();
      var body = new URLSearchParams({ availability: button.value });
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf(form), Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (answer) {
          form.querySelectorAll("button[name=availability]").forEach(function (b) {
            b.setAttribute("aria-pressed", b.value === answer.availability ? "true" : "false");
          });
        })
        .catch(function () { form.submit(); });
    });
  });

  // Language tabs on narrow screens (on wide screens both languages sit side by side).
  document.querySelectorAll("[data-tabs]").forEach(function (list) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll("[role=tab]"));
    var wide = window.matchMedia("(min-width: 60rem)");
    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab, panel = document.getElementById(t.getAttribute("aria-controls"));
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        if (panel) panel.hidden = !on && !wide.matches;
      });
      if (focus) tab.focus();
    }
    function layout() { list.hidden = wide.matches; select(tabs.filter(function (t) { return t.getAttribute("aria-selected") === "true"; })[0] || tabs[0], false); }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (e) {
        if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
          e.preventDefault();
          select(tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length], true);
        }
      });
    });
    if (wide.addEventListener) wide.addEventListener("change", layout);
    layout();
  });

  // Live opening-hours preview, with the server's parser.
  document.querySelectorAll("[data-hours-preview]").forEach(function (input) {
    var output = document.getElementById(input.getAttribute("data-hours-preview")), timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = new URLSearchParams({ value: input.value, lat: input.getAttribute("data-lat") || "48.4", lon: input.getAttribute("data-lon") || "0.8" });
        fetch("/backoffice/hours-preview?" + q, { credentials: "same-origin" })
          .then(function (r) { return r.text(); }).then(function (t) { output.textContent = t; });
      }, 300);
    });
  });

  // Preview of a picture or narration before it is sent.
  document.querySelectorAll("input[type=file][data-preview]").forEach(function (input) {
    input.addEventListener("change", function () {
      var box = document.getElementById(input.getAttribute("data-preview")), file = input.files && input.files[0];
      box.textContent = "";
      if (!file) return;
      var url = URL.createObjectURL(file), el;
      if (file.type.indexOf("image/") === 0) { el = document.createElement("img"); el.src = url; el.alt = file.name; }
      else if (file.type.indexOf("audio/") === 0) { el = document.createElement("audio"); el.controls = true; el.src = url; el.setAttribute("aria-label", file.name); }
      else { el = document.createElement("p"); el.textContent = file.name; }
      box.appendChild(el);
    });
  });

  // Focus the error summary or the conflict panel when the page comes back with one.
  var alert = document.getElementById("conflict") || document.getElementById("errors");
  if (alert) alert.focus();
})();
