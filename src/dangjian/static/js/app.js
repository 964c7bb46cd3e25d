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
    toggle.setAttribute("aria-label", (open ? "展开" : "收起") + "“" + (toggle.dataset.name || "") + "”的下级组织");
    if (panel) panel.hidden = open;
  });

  // A failed partial load says so where the content would have gone, instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var status = event.detail.xhr ? event.detail.xhr.status : "";
    var text = status === 403 ? "无权查看" : status === 404 ? "不存在或不在您的管理范围内" : "加载失败，请刷新页面重试";
    var note = document.createElement("div");
    note.className = "alert alert-warning m-2 py-2 small";
    note.setAttribute("role", "alert");
    note.textContent = text + (status ? "（" + status + "）" : "");
    target.replaceChildren(note);
    target.hidden = false;
  });
  document.addEventListener("htmx:sendError", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var note = document.createElement("div");
    note.className = "alert alert-warning m-2 py-2 small";
    note.textContent = "网络连接失败，请稍后重试";
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
