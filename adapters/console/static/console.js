// Progressive enhancement only: every form and link works without this file.
// Forms and links marked data-live swap one region in place; "Older lines" appends.
(() => {
  "use strict";
  async function swap(url, targetId, push) {
    const target = document.getElementById(targetId);
    if (!target) return false;
    target.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return false;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.getElementById(targetId);
      if (!fresh) return false;
      target.replaceWith(fresh);
      if (push) history.pushState(null, "", url);
      return true;
    } finally {
      target.removeAttribute("aria-busy");
    }
  }
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.live || form.method !== "get") return;
    event.preventDefault();
    const url = new URL(form.action, location.href);
    url.hash = "";
    url.search = new URLSearchParams(new FormData(form)).toString();
    if (!(await swap(url.href, form.dataset.live, true))) location.href = url.href;
  });
  document.addEventListener("change", (event) => {
    const form = event.target.form;
    if (form && form.dataset.live && event.target.matches("select, input[type=checkbox]")) {
      form.requestSubmit();
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
