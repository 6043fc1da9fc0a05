// 申报材料包: files dropped onto the eight items of 三、附件清单 (titles editable, order by drag or the
// arrow buttons), then POST /v1/packages/{id} → the ZIP, whose manifest.json gives every part's page range
// and whose 完整申报材料.pdf is previewed and offered for download.

import { ApiError, apiFetch, filenameOf, saveBlob } from "../api.js";
import { announce, formatBytes, h } from "../dom.js";
import { findMember } from "../zip.js";

/** "01_园区区位图.jpg" → "园区区位图", as the service names a file's title when none is given. */
function titleFrom(name) {
  return name.replace(/\.[^.]+$/, "").replace(/^\d+[\s_.\-、]+/, "").trim() || name;
}

function extensionOf(name) {
  const match = /\.[^.]+$/.exec(name.toLowerCase());
  return match ? match[0] : "";
}

export function packagePanel({ templateId, items, getData, showFormErrors, selectTab }) {
  const files = []; // {file, item, title, error}
  const root = h("div", { class: "package" });
  const list = h("ol", { class: "items" });
  const result = h("div", { class: "package-result", id: "package-result" });
  const errorBox = h("div", { id: "package-errors" });
  let dragged = null;

  const clientError = (file) => {
    const ext = extensionOf(file.name);
    if (!items.accepted_types.includes(ext)) {
      return `不支持的文件类型（${ext || "无扩展名"}）：请上传 ${items.accepted_types.join("、")} 文件`;
    }
    if (file.size > items.max_file_bytes) return `文件过大（${formatBytes(file.size)}），单个附件上限 ${formatBytes(items.max_file_bytes)}`;
    return null;
  };

  const addFiles = (item, fileList) => {
    for (const file of fileList) files.push({ file, item, title: titleFrom(file.name), error: clientError(file) });
    draw();
    announce(`已添加 ${fileList.length} 个文件到第 ${item} 项`);
  };

  const move = (entry, item, before) => {
    files.splice(files.indexOf(entry), 1);
    entry.item = item;
    const at = before ? files.indexOf(before) : -1;
    if (at >= 0) files.splice(at, 0, entry); else files.push(entry);
    draw();
  };

  function fileRow(entry, index, siblings) {
    const titleId = `att-title-${index}`;
    const row = h("li", { class: `file-row${entry.error ? " has-error" : ""}`, draggable: "true", dataset: { file: entry.file.name } },
      h("span", { class: "drag-handle", "aria-hidden": "true", title: "拖动以调整顺序或移到其他项" }, "⋮⋮"),
      h("label", { for: titleId, class: "visually-hidden" }, `“${entry.file.name}”的标题`),
      h("input", { id: titleId, type: "text", class: "att-title", value: entry.title, oninput: (e) => { entry.title = e.target.value; } }),
      h("span", { class: "file-meta" }, `${entry.file.name} · ${formatBytes(entry.file.size)}`),
      h("span", { class: "row-actions" },
        h("button", { type: "button", class: "icon", "aria-label": `上移“${entry.title}”`, disabled: siblings.indexOf(entry) === 0,
          onclick: () => move(entry, entry.item, siblings[siblings.indexOf(entry) - 1]) }, "↑"),
        h("button", { type: "button", class: "icon", "aria-label": `下移“${entry.title}”`, disabled: siblings.indexOf(entry) === siblings.length - 1,
          onclick: () => move(entry, entry.item, siblings[siblings.indexOf(entry) + 2]) }, "↓"),
        h("button", { type: "button", class: "icon danger", "aria-label": `移除“${entry.title}”`,
          onclick: () => { files.splice(files.indexOf(entry), 1); draw(); } }, "✕")),
      entry.error ? h("div", { class: "field-errors" }, h("div", { class: "msg" }, entry.error)) : null);
    row.addEventListener("dragstart", (e) => {
      dragged = entry;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", entry.file.name);
    });
    row.addEventListener("dragend", () => { dragged = null; });
    row.addEventListener("dragover", (e) => { if (dragged) e.preventDefault(); });
    row.addEventListener("drop", (e) => {
      if (!dragged) return;
      e.preventDefault();
      e.stopPropagation();
      if (dragged !== entry) move(dragged, entry.item, entry);
    });
    return row;
  }

  function draw() {
    list.replaceChildren(...items.items.map(({ item, title }) => {
      const siblings = files.filter((f) => f.item === item);
      const input = h("input", { type: "file", multiple: true, id: `att-input-${item}`, class: "visually-hidden",
        accept: items.accepted_types.join(","), dataset: { item: String(item) } });
      input.addEventListener("change", () => { addFiles(item, [...input.files]); });
      const zone = h("li", { class: "item-zone", dataset: { item: String(item) } },
        h("div", { class: "item-head" }, h("span", { class: "item-no" }, `${item}.`), h("span", { class: "item-title" }, title)),
        h("ul", { class: "file-list", "aria-label": `第 ${item} 项的文件` }, siblings.map((f) => fileRow(f, files.indexOf(f), siblings))),
        h("div", { class: "drop-hint" }, "把文件拖到这里，或 ",
          h("label", { for: input.id, class: "button small", tabindex: "0",
            onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } } }, "选择文件…"),
          input));
      zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("drag-over"); });
      zone.addEventListener("dragleave", () => zone.classList.remove("drag-over"));
      zone.addEventListener("drop", (e) => {
        e.preventDefault();
        zone.classList.remove("drag-over");
        if (dragged) move(dragged, item, null);
        else if (e.dataTransfer.files.length) addFiles(item, [...e.dataTransfer.files]);
      });
      return zone;
    }));
    const count = files.length;
    summaryLine.textContent = `共 ${count} 个文件${count > items.max_files ? `，超过上限 ${items.max_files} 个` : ""}`;
  }

  const summaryLine = h("p", { class: "muted", "aria-live": "polite" });
  const buildButton = h("button", { type: "button", class: "primary", id: "build-package" }, "生成申报材料包");
  buildButton.addEventListener("click", async () => {
    const blocked = files.filter((f) => f.error);
    errorBox.replaceChildren();
    if (blocked.length) {
      errorBox.append(h("div", { class: "notice error", role: "alert" }, `有 ${blocked.length} 个文件不能使用，请先移除或替换（见文件下方的说明）。`));
      return;
    }
    const body = new FormData();
    body.append("payload", JSON.stringify(getData()));
    for (const f of files) {
      body.append("files", f.file, f.file.name);
      body.append("items", String(f.item));
      body.append("titles", f.title.trim() || titleFrom(f.file.name));
    }
    buildButton.disabled = true;
    buildButton.setAttribute("aria-busy", "true");
    const label = buildButton.textContent;
    buildButton.textContent = "正在生成申报材料包（合并、编页码，可能需要一两分钟）…";
    result.replaceChildren();
    try {
      const response = await apiFetch(`/v1/packages/${encodeURIComponent(templateId)}`, { method: "POST", body });
      const zipName = filenameOf(response, `${templateId}.zip`);
      const buffer = await response.arrayBuffer();
      await showResult(buffer, zipName);
      announce("申报材料包已生成");
    } catch (err) {
      const errors = err instanceof ApiError ? err.errors : [];
      let placed = false;
      for (const e of errors) {
        const match = /^\$\.files\[(\d+)\]/.exec(e.loc || "");
        if (match && files[Number(match[1])]) {
          files[Number(match[1])].error = `${e.message}（${e.code}）`;
          placed = true;
        }
      }
      if (placed) draw();
      const formErrors = errors.filter((e) => !(e.loc || "").startsWith("$.files"));
      if (formErrors.length && err.code !== "attachment_items_mismatch") showFormErrors(formErrors);
      errorBox.append(h("div", { class: "notice error", role: "alert" }, h("p", {}, err.message),
        formErrors.length ? h("p", {}, h("a", { href: "#panel-fill", onclick: (e) => { e.preventDefault(); selectTab("fill", true); } }, "回到“填写”修改申请书数据")) : null));
    } finally {
      buildButton.disabled = false;
      buildButton.removeAttribute("aria-busy");
      buildButton.textContent = label;
    }
  });

  async function showResult(buffer, zipName) {
    const manifest = JSON.parse(new TextDecoder().decode(await findMember(buffer, "/manifest.json")));
    const merged = await findMember(buffer, "/完整申报材料.pdf");
    const pdfBlob = new Blob([merged], { type: "application/pdf" });
    const zipBlob = new Blob([buffer], { type: "application/zip" });
    const pdfName = zipName.replace(/\.zip$/i, "") + "_完整申报材料.pdf";
    const rows = [h("tr", {}, h("td", {}, "申请书"), h("td", {}, ""), h("td", {}, `${manifest.pages.application} 页（封面不编页码）`))];
    for (const a of manifest.attachments || []) {
      rows.push(h("tr", {}, h("td", {}, `第 ${a.item} 项`), h("td", {}, a.title),
        h("td", {}, a.first_page === a.last_page ? `第 ${a.first_page} 页` : `第 ${a.first_page}–${a.last_page} 页`)));
    }
    const frame = h("iframe", { class: "pdf-frame", title: "完整申报材料 PDF 预览", src: URL.createObjectURL(pdfBlob) });
    result.replaceChildren(
      h("h3", {}, `已生成：共 ${manifest.pages.total} 页`),
      h("table", { class: "list-table pages-table", id: "page-ranges" },
        h("caption", {}, "完整申报材料中各部分的页码"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "部分"), h("th", { scope: "col" }, "标题"), h("th", { scope: "col" }, "页码"))),
        h("tbody", {}, rows)),
      (manifest.repairs || []).length ? h("p", { class: "notice" }, `有 ${manifest.repairs.length} 个 PDF 轻微损坏，已自动修复。`) : null,
      h("div", { class: "toolbar" },
        h("button", { type: "button", class: "primary", id: "download-package-zip", onclick: () => saveBlob(zipBlob, zipName) }, `下载申报材料包（ZIP）`),
        h("button", { type: "button", id: "download-package-pdf", onclick: () => saveBlob(pdfBlob, pdfName) }, "下载 完整申报材料.pdf")),
      frame);
  }

  root.append(
    h("p", { class: "lead" }, "把证明材料拖到附件清单对应的项目上（PDF、JPG、PNG、DOCX）。标题可修改，拖动或用 ↑↓ 调整顺序；生成后显示每份材料在完整申报材料中的页码。"),
    list, summaryLine, h("div", { class: "toolbar" }, buildButton), errorBox, result);
  draw();
  return root;
}
