// Filling one draft: the generated form with live server validation and derived values, autosave,
// the PDF preview and downloads, and (for the two 申请书) the package of attachments.

import { ApiError, apiFetch, filenameOf, getJson, postJson, saveBlob } from "../api.js";
import { alertMessage, announce, debounce, h } from "../dom.js";
import { getDraft, saveDraft, suggestedName } from "../drafts.js";
import { SchemaForm } from "../form.js";
import { loadCatalog } from "./catalog.js";
import { packagePanel } from "./package.js";

const VALIDATE_DELAY_MS = 500;

export async function showEditor(main, draftId) {
  const draft = getDraft(draftId);
  if (!draft) {
    main.append(h("h1", {}, "找不到草稿"), h("p", {}, "这份草稿不在本浏览器中（可能已删除）。", h("a", { href: "#/drafts" }, "查看全部草稿")));
    return null;
  }
  const templateId = draft.template;
  const base = `/${encodeURIComponent(templateId)}`;
  main.append(h("p", { class: "loading" }, "正在读取表格结构…"));
  let schema;
  let template;
  let items = null;
  try {
    [schema, template] = await Promise.all([getJson(`/v1/templates${base}/schema`), loadCatalog().then((all) => all.find((t) => t.id === templateId))]);
    items = await getJson(`/v1/templates${base}/attachment-items`).catch((err) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    });
  } catch (err) {
    main.replaceChildren(h("p", { class: "notice error", role: "alert" }, err.message));
    return null;
  }
  main.replaceChildren();
  const data = draft.data;
  let autoName = draft.autoName !== false;
  let validationSeq = 0;
  let inFlight = null;
  let lastErrorCount = -1;
  const pdfCache = new Map(); // format → {key, blob, name}: a download right after a preview converts once

  // --- header: name, save status, export -----------------------------------------------------------------
  const nameInput = h("input", { id: "draft-name", type: "text", value: draft.name, autocomplete: "off" });
  const saveStatus = h("span", { class: "save-status", id: "save-status" }, "已保存在本浏览器");
  nameInput.addEventListener("input", () => {
    autoName = false;
    saveDraft(draftId, data, { name: nameInput.value.trim() || "未命名草稿", autoName: false });
  });
  const exportButton = h("button", { type: "button", onclick: () => {
    saveBlob(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }), `${nameInput.value.trim() || templateId}.json`);
  } }, "导出数据文件");
  main.append(h("div", { class: "editor-head" },
    h("div", {}, h("h1", {}, template ? template.title : templateId),
      h("div", { class: "name-row" }, h("label", { for: "draft-name" }, "草稿名称"), nameInput, saveStatus)),
    h("div", { class: "actions" }, exportButton)));

  // --- tabs ----------------------------------------------------------------------------------------------------
  const tabs = [["fill", "填写"], ["preview", "预览与下载"]];
  if (items) tabs.push(["package", "申报材料包"]);
  const tablist = h("div", { role: "tablist", class: "tabs", "aria-label": "工作步骤" });
  const panels = {};
  const tabButtons = {};
  const selectTab = (key, focus = false) => {
    for (const [k] of tabs) {
      tabButtons[k].setAttribute("aria-selected", String(k === key));
      tabButtons[k].tabIndex = k === key ? 0 : -1;
      panels[k].hidden = k !== key;
    }
    if (focus) tabButtons[key].focus();
  };
  tabs.forEach(([key, label], index) => {
    const button = h("button", { type: "button", role: "tab", id: `tab-${key}`, "aria-controls": `panel-${key}`, onclick: () => selectTab(key) }, label);
    button.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (step) selectTab(tabs[(index + step + tabs.length) % tabs.length][0], true);
    });
    tabButtons[key] = button;
    tablist.append(button);
    panels[key] = h("div", { role: "tabpanel", id: `panel-${key}`, "aria-labelledby": `tab-${key}`, class: `panel panel-${key}` });
  });
  main.append(tablist, ...tabs.map(([k]) => panels[k]));

  // --- the form, its section navigation and the error summary --------------------------------------------
  const status = h("div", { class: "validation-status", id: "validation-status" }, "正在校验…");
  const summary = h("ol", { class: "error-summary", id: "error-summary" });
  const navList = h("ul", {});
  const nav = h("nav", { class: "section-nav", "aria-label": "表格各部分" }, h("h2", {}, "表格各部分"), navList);
  const form = new SchemaForm(schema, data, { onChange: changed });
  const navLinks = {};
  for (const section of form.sections) {
    const badge = h("span", { class: "badge", hidden: true });
    const link = h("a", { href: `#${section.id}`, title: section.title, onclick: (e) => {
      e.preventDefault();
      section.element.scrollIntoView({ block: "start" });
      section.element.querySelector("input,select,textarea,button")?.focus({ preventScroll: true });
    } }, h("span", { class: "nav-title" }, section.title), badge);
    navLinks[section.key] = badge;
    navList.append(h("li", {}, link));
  }
  const aside = h("aside", { class: "side-panel", "aria-label": "校验结果" },
    h("h2", {}, "校验结果"), status, summary);
  panels.fill.append(h("div", { class: "fill-layout" }, nav, h("div", { class: "form-area" }, form.element), aside));

  const showErrors = (errors) => {
    const placed = form.setErrors(errors);
    summary.replaceChildren(...placed.map(({ error, targetId }) => h("li", {},
      targetId ? h("a", { href: `#${targetId}`, onclick: (e) => {
        e.preventDefault();
        selectTab("fill");
        const el = document.getElementById(targetId);
        el.scrollIntoView({ block: "center" });
        el.focus({ preventScroll: true });
      } }, `${error.label}：${error.message}`) : `${error.label}：${error.message}`)));
    const counts = {};
    for (const { section } of placed) counts[section] = (counts[section] || 0) + 1;
    for (const [key, badge] of Object.entries(navLinks)) {
      badge.hidden = !counts[key];
      badge.textContent = counts[key] ? `${counts[key]} 处` : "";
    }
  };

  async function validateNow() {
    const seq = ++validationSeq;
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    status.textContent = "正在校验…";
    status.className = "validation-status pending";
    try {
      const result = await (await postJson(`/v1/validate${base}`, data, { signal: inFlight.signal })).json();
      if (seq !== validationSeq) return;
      showErrors(result.errors);
      form.setDerived(result.derived);
      const n = result.errors.length;
      status.textContent = n ? `共 ${n} 处需要修改` : "数据完整，全部通过校验，可以生成文档";
      status.className = `validation-status ${n ? "invalid" : "valid"}`;
      if (n !== lastErrorCount) announce(status.textContent);
      lastErrorCount = n;
    } catch (err) {
      if (err.name === "AbortError" || seq !== validationSeq) return;
      const errors = err instanceof ApiError ? err.errors : [];
      showErrors(errors);
      status.textContent = err.message;
      status.className = "validation-status invalid";
      alertMessage(err.message);
    }
  }
  const validateSoon = debounce(validateNow, VALIDATE_DELAY_MS);

  function changed() {
    const changes = {};
    if (autoName) {
      const name = suggestedName(data, null);
      if (name && name !== nameInput.value) {
        nameInput.value = name;
        changes.name = name;
      }
    }
    try {
      const at = saveDraft(draftId, data, changes);
      saveStatus.textContent = `已自动保存 ${new Date(at).toLocaleTimeString("zh-CN", { hour12: false })}`;
    } catch {
      saveStatus.textContent = "自动保存失败：浏览器存储空间已满，请导出数据文件";
      alertMessage(saveStatus.textContent);
    }
    validateSoon();
  }

  // --- preview and downloads -------------------------------------------------------------------------------------
  const previewFrame = h("iframe", { class: "pdf-frame", title: "PDF 预览", id: "pdf-preview" });
  const previewStatus = h("p", { class: "preview-status", id: "preview-status", "aria-live": "polite" }, "点击“生成预览”查看当前草稿的 PDF。");
  const documentErrors = h("div", { class: "document-errors", id: "document-errors" });

  async function produce(format) {
    const key = JSON.stringify(data);
    const cached = pdfCache.get(format);
    if (cached && cached.key === key) return cached;
    const response = await apiFetch(`/v1/documents${base}?format=${format}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: key,
    });
    const result = { key, blob: await response.blob(), name: filenameOf(response, `${templateId}.${format === "pdfa" ? "pdf" : format}`) };
    pdfCache.set(format, result);
    return result;
  }

  async function run(button, busyText, work) {
    const label = button.textContent;
    button.disabled = true;
    button.textContent = busyText;
    button.setAttribute("aria-busy", "true");
    documentErrors.replaceChildren();
    try {
      await work();
    } catch (err) {
      const list = err instanceof ApiError ? err.errors : [];
      documentErrors.replaceChildren(h("div", { class: "notice error", role: "alert" },
        h("p", {}, err.message),
        list.length ? h("p", {}, h("a", { href: "#panel-fill", onclick: (e) => { e.preventDefault(); selectTab("fill", true); } }, "回到“填写”修改")) : null));
      if (list.length) showErrors(list);
    } finally {
      button.disabled = false;
      button.textContent = label;
      button.removeAttribute("aria-busy");
    }
  }

  const previewButton = h("button", { type: "button", class: "primary", id: "preview-button" }, "生成预览");
  previewButton.addEventListener("click", () => run(previewButton, "正在生成 PDF…", async () => {
    const { blob } = await produce("pdf");
    if (previewFrame.dataset.url) URL.revokeObjectURL(previewFrame.dataset.url);
    const url = URL.createObjectURL(blob);
    previewFrame.dataset.url = url;
    previewFrame.src = url;
    previewStatus.textContent = `预览已更新（${new Date().toLocaleTimeString("zh-CN", { hour12: false })}）。修改数据后请再次点击“生成预览”。`;
    announce("PDF 预览已生成");
  }));
  const downloadButton = (format, label) => {
    const button = h("button", { type: "button", dataset: { format } }, label);
    button.addEventListener("click", () => run(button, "正在生成…", async () => {
      const { blob, name } = await produce(format);
      saveBlob(blob, name);
      announce(`已下载 ${name}`);
    }));
    return button;
  };
  panels.preview.append(
    h("div", { class: "toolbar" }, previewButton,
      h("span", { class: "sep", "aria-hidden": "true" }),
      downloadButton("docx", "下载 Word（.docx）"), downloadButton("pdf", "下载 PDF"), downloadButton("pdfa", "下载 PDF/A（归档）")),
    previewStatus, documentErrors, previewFrame);

  if (items) panels.package.append(packagePanel({ templateId, items, getData: () => data, showFormErrors: (errs) => showErrors(errs), selectTab }));

  selectTab("fill");
  validateNow();
  return () => {
    validateSoon.cancel();
    if (inFlight) inFlight.abort();
    if (previewFrame.dataset.url) URL.revokeObjectURL(previewFrame.dataset.url);
  };
}
