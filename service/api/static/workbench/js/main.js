// The workbench's router: one view at a time in <main>, chosen by the URL's hash (so a reload or a
// bookmark returns to the same draft or batch job).

import { showKeyStatus } from "./api.js";
import { showBatch } from "./views/batch.js";
import { showCatalog, showDrafts } from "./views/catalog.js";
import { showEditor } from "./views/editor.js";

const routes = [
  [/^#?\/?$/, "catalog", () => showCatalog],
  [/^#\/drafts$/, "drafts", () => showDrafts],
  [/^#\/edit\/([a-z0-9]+)$/, "drafts", () => showEditor],
  [/^#\/batch(?:\/([0-9a-f]{32}))?$/, "batch", () => showBatch],
];

let cleanup = null;

async function route() {
  const hash = location.hash || "#/";
  const main = document.getElementById("main");
  if (cleanup) {
    try { cleanup(); } catch { /* a view's cleanup must not block navigation */ }
    cleanup = null;
  }
  const found = routes.find(([pattern]) => pattern.test(hash)) || routes[0];
  const [pattern, nav, view] = found;
  const match = pattern.exec(hash) || [];
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === nav) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  main.replaceChildren();
  cleanup = (await view()(main, match[1])) || null;
}

window.addEventListener("hashchange", route);
showKeyStatus();
route();
