/* 党建通: small behaviours of the server-rendered pages. No inline scripts (ready for a strict CSP). */
(function () {
  "use strict";

  // Organization tree: a toggle shows or hides its children. The first opening loads them through htmx
  // (the button carries hx-get with hx-trigger="click once"); later clicks only show or hide them.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-tree-toggle]");
    if (!toggle) return;
    var panel = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", open ? "false" : "true");
    var label = open ? toggle.dataset.labelClosed : toggle.dataset.labelOpen;
    if (label) toggle.setAttribute("aria-label", label);
    if (panel) panel.hidden = open;
  });

  // Messages come from the page (translated on the server), so this file holds no user-facing text.
  function message(name) { return document.body.getAttribute("data-msg-" + name) || ""; }

  // A failed partial load says so where the content would have gone, instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var status = event.detail.xhr ? event.detail.xhr.status : "";
    var text = status === 403 ? message("403") : status === 404 ? message("404") : message("error");
    var note = document.createElement("div");
    note.className = "alert alert-warning m-2 py-2 small";
    note.setAttribute("role", "alert");
    note.textContent = text + (status ? " (" + status + ")" : "");
    target.replaceChildren(note);
    target.hidden = false;
  });
  document.addEventListener("htmx:sendError", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var note = document.createElement("div");
    note.className = "alert alert-warning m-2 py-2 small";
    note.textContent = message("offline");
    target.replaceChildren(note);
  });

  // Forms that ask for confirmation before an irreversible step (e.g. 撤销).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
