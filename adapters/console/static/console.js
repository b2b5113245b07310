// Progressive enhancement only: every form and link works without this file.
// Forms and links marked data-live swap one region in place; "Older lines" appends.
(() => {
  "use strict";
  // Only the latest request for a region may fill it: an earlier, slower one is dropped.
  const latest = {};
  async function swap(url, targetId, push) {
    const target = document.getElementById(targetId);
    if (!target) return false;
    const ticket = (latest[targetId] = (latest[targetId] || 0) + 1);
    target.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (latest[targetId] !== ticket) return true;
      if (!response.ok) return false;
      const html = await response.text();
      if (latest[targetId] !== ticket) return true;
      const doc = new DOMParser().parseFromString(html, "text/html");
      const fresh = doc.getElementById(targetId);
      if (!fresh) return false;
      document.getElementById(targetId).replaceWith(fresh);
      if (push) history.pushState(null, "", url);
      return true;
    } finally {
      const current = document.getElementById(targetId);
      if (current && latest[targetId] === ticket) current.removeAttribute("aria-busy");
    }
  }
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.live || form.method !== "get") return;
    event.preventDefault();
    clearTimeout(pending);
    const url = new URL(form.action, location.href);
    url.hash = "";
    url.search = new URLSearchParams(new FormData(form)).toString();
    if (!(await swap(url.href, form.dataset.live, true))) location.href = url.href;
  });
  // A few quick changes (unticking three levels) make one request, not three.
  let pending;
  document.addEventListener("change", (event) => {
    const form = event.target.form;
    if (form && form.dataset.live && event.target.matches("select, input[type=checkbox]")) {
      clearTimeout(pending);
      pending = setTimeout(() => form.requestSubmit(), 400);
    }
  });
  document.addEventListener("click", async (event) => {
    const link = event.target.closest && event.target.closest("a[data-live], a[data-more]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    if (link.dataset.live) {
      if (!(await swap(link.href, link.dataset.live, true))) location.href = link.href;
      return;
    }
    const response = await fetch(link.href, { headers: { "x-console-fragment": "1" } });
    if (!response.ok) {
      location.href = link.href;
      return;
    }
    const item = link.closest("li");
    const template = document.createElement("template");
    template.innerHTML = await response.text();
    const first = template.content.firstElementChild;
    item.replaceWith(template.content);
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  });
  addEventListener("popstate", () => location.reload());
})();
