// 模板目录 (choose a form, start blank / from the sample / from a data file) and 我的草稿.

import { apiFetch, getJson, saveBlob } from "../api.js";
import { alertMessage, formatDateTime, h } from "../dom.js";
import { createDraft, deleteDraft, getDraft, listDrafts } from "../drafts.js";

let catalogCache = null;

/** The templates with their details (title, description), fetched once per page load. */
export async function loadCatalog() {
  if (!catalogCache) {
    const list = await getJson("/v1/templates");
    catalogCache = await Promise.all(list.map((t) => getJson(`/v1/templates/${encodeURIComponent(t.id)}`)));
  }
  return catalogCache;
}

function openDraft(meta) {
  location.hash = `#/edit/${meta.id}`;
}

async function startFrom(template, how, file) {
  let data = {};
  let name = `${template.title}（空白）`;
  if (how === "sample") {
    data = await getJson(`/v1/templates/${encodeURIComponent(template.id)}/sample`);
    name = `${template.title}（示例）`;
  } else if (how === "file") {
    try {
      data = JSON.parse(await file.text());
    } catch {
      alertMessage(`“${file.name}”不是有效的 JSON 数据文件。`);
      return;
    }
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      alertMessage(`“${file.name}”的内容应为一个 JSON 对象（{…}）。`);
      return;
    }
    name = file.name.replace(/\.json$/i, "");
  }
  openDraft(createDraft(template.id, template.title, data, name));
}

function thumbnail(template) {
  const img = h("img", { class: "thumb", alt: `${template.title}第一页（空白表）缩略图`, width: 180, height: 255 });
  // <img src> cannot send the API key: fetch the picture and show it from a blob URL. While the service
  // is starting or converting other documents it answers 503 with Retry-After: try again a few times.
  const load = async (attempt) => {
    try {
      const blob = await (await apiFetch(`/v1/templates/${encodeURIComponent(template.id)}/thumbnail.png`)).blob();
      img.src = URL.createObjectURL(blob);
    } catch (err) {
      if (err.status === 503 && attempt < 5) setTimeout(() => load(attempt + 1), 3000);
      else img.replaceWith(h("div", { class: "thumb thumb-missing" }, "缩略图暂不可用"));
    }
  };
  load(0);
  return img;
}

function templateCard(template) {
  const fileInput = h("input", { type: "file", accept: ".json,application/json", class: "visually-hidden", id: `import-${template.id}` });
  fileInput.addEventListener("change", () => fileInput.files[0] && startFrom(template, "file", fileInput.files[0]));
  const titleId = `tpl-${template.id}`;
  return h("li", { class: "card template-card", "aria-labelledby": titleId, dataset: { template: template.id } },
    thumbnail(template),
    h("div", { class: "card-body" },
      h("h2", { id: titleId }, template.title),
      h("p", { class: "desc" }, template.description),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "primary", onclick: () => startFrom(template, "blank") }, "空白开始填写"),
        h("button", { type: "button", onclick: () => startFrom(template, "sample") }, "从示例数据开始"),
        h("label", { class: "button", for: fileInput.id, tabindex: "0",
          onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); fileInput.click(); } } },
        "导入数据文件…"),
        fileInput)));
}

export async function showCatalog(main) {
  main.append(h("h1", {}, "选择要填写的表格"),
    h("p", { class: "lead" }, "选择模板后可从空白表或示例数据开始填写；填写内容自动保存在本浏览器中，可随时回来继续。"));
  const recent = listDrafts().slice(0, 5);
  if (recent.length) {
    main.append(h("section", { class: "recent", "aria-labelledby": "recent-h" },
      h("h2", { id: "recent-h" }, "继续填写"),
      h("ul", { class: "draft-links" }, recent.map((d) => h("li", {},
        h("a", { href: `#/edit/${d.id}` }, d.name), h("span", { class: "muted" }, ` · ${d.templateTitle} · ${formatDateTime(d.updated)}`)))),
      h("a", { href: "#/drafts" }, "全部草稿…")));
  }
  const list = h("ul", { class: "catalog", "aria-label": "模板目录" }, h("li", { class: "loading" }, "正在读取模板目录…"));
  main.append(list);
  try {
    const templates = await loadCatalog();
    list.replaceChildren(...templates.map(templateCard));
  } catch (err) {
    list.replaceChildren(h("li", { class: "notice error" }, err.message));
  }
}

export async function showDrafts(main) {
  main.append(h("h1", {}, "我的草稿"),
    h("p", { class: "lead" }, "草稿保存在本浏览器中（换电脑或清除浏览器数据前请“导出数据文件”备份）。"));
  const table = h("table", { class: "list-table" },
    h("thead", {}, h("tr", {}, ["名称", "表格", "最后修改", "操作"].map((t) => h("th", { scope: "col" }, t)))));
  const body = h("tbody");
  const drafts = listDrafts();
  for (const d of drafts) {
    const row = h("tr", {},
      h("td", {}, h("a", { href: `#/edit/${d.id}` }, d.name)),
      h("td", {}, d.templateTitle),
      h("td", {}, formatDateTime(d.updated)),
      h("td", { class: "actions" },
        h("button", { type: "button", onclick: () => {
          const full = getDraft(d.id);
          saveBlob(new Blob([JSON.stringify(full.data, null, 2)], { type: "application/json" }), `${d.name}.json`);
        } }, "导出数据文件"),
        h("button", { type: "button", class: "danger", onclick: () => {
          if (confirm(`删除草稿“${d.name}”？删除后不能恢复。`)) {
            deleteDraft(d.id);
            row.remove();
          }
        } }, "删除")));
    body.append(row);
  }
  table.append(body);
  main.append(drafts.length ? table : h("p", {}, "还没有草稿。", h("a", { href: "#/" }, "从模板目录开始填写。")));
}
