// A form generated from a template's JSON Schema: sections in the schema's (the paper form's) order,
// Chinese labels from `title`, selects for enumerations, date inputs, numbers with their units, series of
// years with their live 近三年平均值, editable tables for lists, narrative fields with a character count.
// The server stays the only judge of validity: errors come from POST /v1/validate and are placed here.

import { h, newId } from "./dom.js";
import { Schema, charLimit, countChars, jsonPath, parentPaths, unitOf } from "./schema.js";

const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export class SchemaForm {
  /**
   * @param {object} schemaRoot the template's JSON Schema document
   * @param {object} data the payload being edited (mutated in place)
   * @param {{onChange: () => void}} hooks
   */
  constructor(schemaRoot, data, hooks) {
    this.schema = new Schema(schemaRoot);
    this.data = data;
    this.hooks = hooks;
    this.fields = new Map(); // JSON path → {focus, errors, container, prefix}
    this.derivedTargets = new Map(); // JSON path → {kind: "output"|"input", el, placeholder}
    this.sections = [];
    this.lastErrors = [];
    this.lastDerived = {};
    this.element = h("div", { class: "schema-form" });
    const root = this.schema.normalize(schemaRoot);
    this.fillSkeleton(root, this.data);
    const required = new Set(root.required || []);
    for (const [key, prop] of Object.entries(root.properties || {})) {
      const node = this.schema.normalize(prop);
      const id = `sec-${key}`;
      const headingId = `${id}-h`;
      const section = h("section", { class: "form-section", id, "aria-labelledby": headingId, dataset: { key } },
        h("h2", { id: headingId }, node.title || key));
      const kind = this.schema.kind(node);
      if (kind === "object") {
        if (node.description) section.append(h("p", { class: "hint" }, node.description));
        section.append(this.renderObjectBody(node, [key]));
        this.register([key], { focus: section, container: section, errors: this.errorBox(section) });
      } else {
        section.append(this.renderField(node, [key], { required: required.has(key), bare: true }));
      }
      this.sections.push({ key, id, title: node.title || key, element: section });
      this.element.append(section);
    }
  }

  /**
   * Empty objects for the required groups that are missing (and the minimum number of empty rows), so that
   * a blank form's errors name each field ("申报单位：必填项") rather than a whole section.
   */
  fillSkeleton(node, value) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return;
    for (const key of node.required || []) {
      const prop = this.schema.normalize(node.properties[key]);
      const kind = this.schema.kind(prop);
      if (value[key] === undefined && (kind === "object" || kind === "series")) value[key] = {};
      if (value[key] === undefined && (kind === "table" || kind === "cards") && prop.minItems) {
        value[key] = Array.from({ length: prop.minItems }, () => ({}));
      }
      if (kind === "object") this.fillSkeleton(prop, value[key]);
    }
  }

  // --- data access ---------------------------------------------------------------------------------------

  get(parts) {
    let value = this.data;
    for (const part of parts) {
      if (value === null || value === undefined) return undefined;
      value = value[part];
    }
    return value;
  }

  set(parts, value) {
    let parent = this.data;
    for (let i = 0; i < parts.length - 1; i += 1) {
      const part = parts[i];
      if (parent[part] === null || typeof parent[part] !== "object") parent[part] = typeof parts[i + 1] === "number" ? [] : {};
      parent = parent[part];
    }
    const last = parts[parts.length - 1];
    if (value === undefined) {
      if (Array.isArray(parent)) parent[last] = null;
      else delete parent[last];
    } else {
      parent[last] = value;
    }
    this.hooks.onChange();
  }

  // --- registry of fields (for errors) and derived values ------------------------------------------------

  register(parts, entry) {
    this.fields.set(jsonPath(parts), entry);
  }

  unregisterUnder(parts) {
    const prefix = jsonPath(parts);
    for (const map of [this.fields, this.derivedTargets]) {
      for (const key of [...map.keys()]) {
        if (key.startsWith(`${prefix}[`) || key.startsWith(`${prefix}.`)) map.delete(key);
      }
    }
  }

  errorBox(container) {
    const box = h("div", { class: "field-errors", id: newId("err") });
    container.append(box);
    return box;
  }

  // --- rendering --------------------------------------------------------------------------------------------

  renderObjectBody(node, parts) {
    const body = h("div", { class: "object-body" });
    const required = new Set(node.required || []);
    for (const [key, prop] of Object.entries(node.properties || {})) {
      body.append(this.renderField(this.schema.normalize(prop), [...parts, key], { required: required.has(key) }));
    }
    return body;
  }

  renderField(node, parts, options = {}) {
    const kind = this.schema.kind(node);
    switch (kind) {
      case "object": return this.renderObject(node, parts, options);
      case "series": return this.renderSeries(node, parts, options);
      case "table": return this.renderArray(node, parts, options, "table");
      case "list": return this.renderArray(node, parts, options, "table");
      case "cards": return this.renderArray(node, parts, options, "cards");
      case "checkboxes": return this.renderCheckboxes(node, parts, options);
      default: return this.renderScalar(node, parts, kind, options);
    }
  }

  labelText(node, parts) {
    return node.title || String(parts[parts.length - 1]);
  }

  requiredMark(required) {
    return required ? h("span", { class: "req", title: "必填" }, "*") : null;
  }

  notPrintedHint(node) {
    return node["x-printed"] === false ? h("span", { class: "tag" }, "不印在表格上") : null;
  }

  renderObject(node, parts, options) {
    const legendId = newId("lg");
    const fieldset = h("fieldset", { class: "group", "aria-labelledby": legendId },
      h("legend", { id: legendId }, this.labelText(node, parts), this.requiredMark(options.required)));
    if (node.description) fieldset.append(h("p", { class: "hint" }, node.description));
    fieldset.append(this.renderObjectBody(node, parts));
    this.register(parts, { focus: fieldset, container: fieldset, errors: this.errorBox(fieldset) });
    return fieldset;
  }

  /** A year series: one input per year and the 近三年平均值 the server derives (read-only). */
  renderSeries(node, parts, options) {
    const legendId = newId("lg");
    const unit = unitOf(node);
    const fieldset = h("fieldset", { class: "group series", "aria-labelledby": legendId },
      h("legend", { id: legendId }, this.labelText(node, parts), this.requiredMark(options.required)));
    if (node.description) fieldset.append(h("p", { class: "hint" }, node.description));
    const row = h("div", { class: "series-row" });
    for (const [year, prop] of Object.entries(node.properties)) {
      const yearNode = this.schema.normalize(prop);
      const input = this.numberInput(yearNode, [...parts, year]);
      const cell = h("div", { class: "series-cell" },
        h("label", { for: input.id }, yearNode.title || `${year} 年`),
        h("span", { class: "with-unit" }, input, unit ? h("span", { class: "unit" }, unit) : null));
      this.register([...parts, year], { focus: input, container: cell, errors: this.errorBox(cell) });
      input.setAttribute("aria-describedby", this.fields.get(jsonPath([...parts, year])).errors.id);
      row.append(cell);
    }
    const avgId = newId("avg");
    const output = h("output", { id: avgId, class: "derived", "aria-live": "off" }, "—");
    row.append(h("div", { class: "series-cell derived-cell" },
      h("span", { class: "derived-label", id: `${avgId}-l` }, "近三年平均值（自动计算）"),
      h("span", { class: "with-unit" }, output, unit ? h("span", { class: "unit" }, unit) : null)));
    output.setAttribute("aria-labelledby", `${avgId}-l`);
    this.derivedTargets.set(jsonPath([...parts, "average"]), { kind: "output", el: output });
    fieldset.append(row);
    this.register(parts, { focus: fieldset, container: fieldset, errors: this.errorBox(fieldset) });
    return fieldset;
  }

  numberInput(node, parts) {
    const value = this.get(parts);
    const input = h("input", {
      id: newId("in"), type: "text", class: "num",
      inputmode: node.type === "integer" ? "numeric" : "decimal",
      autocomplete: "off",
      value: value === undefined || value === null ? "" : String(value),
      dataset: { path: jsonPath(parts) },
    });
    const placeholder = node.description && /可不填/.test(node.description) ? "可不填，自动计算" : "";
    input.placeholder = placeholder;
    input.addEventListener("input", () => {
      const text = input.value.trim().replace(/,/g, "");
      // Unparseable text is sent as typed: the server answers with the field's Chinese error.
      this.set(parts, text === "" ? undefined : NUMBER_TEXT.test(text) ? Number(text) : input.value);
    });
    this.derivedTargets.set(jsonPath(parts), { kind: "input", el: input, placeholder });
    return input;
  }

  renderScalar(node, parts, kind, options) {
    const label = this.labelText(node, parts);
    const container = h("div", { class: `field field-${kind}` });
    let control;
    const value = this.get(parts);
    const path = jsonPath(parts);
    if (kind === "number") {
      control = this.numberInput(node, parts);
    } else if (kind === "select") {
      control = h("select", { id: newId("in"), dataset: { path } },
        h("option", { value: "" }, "（请选择）"),
        node.enum.map((option) => h("option", { value: String(option), selected: value === option }, String(option))));
      control.addEventListener("change", () => {
        const chosen = node.enum.find((option) => String(option) === control.value);
        this.set(parts, control.value === "" ? undefined : chosen);
      });
    } else if (kind === "checkbox") {
      control = h("input", { id: newId("in"), type: "checkbox", checked: value === undefined ? node.default === true : Boolean(value), dataset: { path } });
      control.addEventListener("change", () => this.set(parts, control.checked));
    } else if (kind === "date") {
      control = h("input", { id: newId("in"), type: "date", value: value || "", dataset: { path } });
      control.addEventListener("input", () => this.set(parts, control.value || undefined));
    } else if (kind === "json") {
      control = h("textarea", { id: newId("in"), rows: 4, class: "json", dataset: { path } });
      control.value = value === undefined ? "" : JSON.stringify(value, null, 2);
      control.addEventListener("input", () => {
        const text = control.value.trim();
        if (text === "") return this.set(parts, undefined);
        try {
          this.set(parts, JSON.parse(text));
        } catch {
          this.set(parts, control.value);
        }
      });
    } else if (kind === "textarea") {
      const limit = charLimit(node);
      control = h("textarea", { id: newId("in"), rows: limit ? 8 : 3, dataset: { path } });
      control.value = value ?? "";
      control.addEventListener("input", () => this.set(parts, control.value === "" ? undefined : control.value));
    } else {
      control = h("input", { id: newId("in"), type: "text", value: value ?? "", autocomplete: "off", dataset: { path } });
      if (node.examples && node.examples.length) control.placeholder = `如：${node.examples[0]}`;
      else if (typeof node.default === "string" && node.default) control.placeholder = `默认：${node.default}`;
      control.addEventListener("input", () => this.set(parts, control.value === "" ? undefined : control.value));
    }
    if (options.required) control.setAttribute("aria-required", "true");
    const unit = kind === "number" ? unitOf(node) : "";
    const labelEl = h("label", { for: control.id }, label, this.requiredMark(options.required), this.notPrintedHint(node));
    const errors = h("div", { class: "field-errors", id: newId("err") });
    const describedBy = [errors.id];
    container.append(labelEl, unit ? h("span", { class: "with-unit" }, control, h("span", { class: "unit" }, unit)) : control);
    if (kind === "textarea" && charLimit(node)) {
      const counter = h("div", { class: "counter", id: newId("cnt") });
      const limit = charLimit(node);
      const update = () => {
        const n = countChars(control.value);
        counter.textContent = n > limit ? `已写 ${n} 字，超出 ${n - limit} 字（上限 ${limit} 字，不计空白）` : `已写 ${n} / ${limit} 字（不计空白）`;
        counter.classList.toggle("over", n > limit);
      };
      control.addEventListener("input", update);
      update();
      container.append(counter);
      describedBy.push(counter.id);
    }
    if (node.description && !options.inCell) {
      const hint = h("div", { class: "hint", id: newId("hint") }, node.description);
      container.append(hint);
      describedBy.push(hint.id);
    }
    container.append(errors);
    control.setAttribute("aria-describedby", describedBy.join(" "));
    this.register(parts, { focus: control, container, errors });
    return container;
  }

  renderCheckboxes(node, parts, options) {
    const items = this.schema.normalize(node.items);
    const legendId = newId("lg");
    const fieldset = h("fieldset", { class: "group checkboxes", "aria-labelledby": legendId },
      h("legend", { id: legendId }, this.labelText(node, parts), this.requiredMark(options.required)));
    const chosen = new Set(this.get(parts) || []);
    for (const option of items.enum) {
      const box = h("input", { type: "checkbox", id: newId("cb"), checked: chosen.has(option) });
      box.addEventListener("change", () => {
        const current = new Set(this.get(parts) || []);
        if (box.checked) current.add(option); else current.delete(option);
        this.set(parts, items.enum.filter((o) => current.has(o)));
      });
      fieldset.append(h("span", { class: "check" }, box, h("label", { for: box.id }, String(option))));
    }
    if (node.description) fieldset.append(h("p", { class: "hint" }, node.description));
    this.register(parts, { focus: fieldset.querySelector("input") || fieldset, container: fieldset, errors: this.errorBox(fieldset) });
    return fieldset;
  }

  /** A list: an editable table (flat rows) or cards (nested rows), rows added, removed and moved. */
  renderArray(node, parts, options, layout) {
    const wrapper = h("div", { class: `array array-${layout}` });
    const draw = (focusSelector) => {
      this.unregisterUnder(parts);
      wrapper.replaceChildren(...this.arrayContent(node, parts, options, layout, draw));
      this.applyErrors();
      this.applyDerived();
      if (focusSelector) wrapper.querySelector(focusSelector)?.focus();
    };
    draw();
    return wrapper;
  }

  arrayContent(node, parts, options, layout, redraw) {
    const items = this.schema.normalize(node.items || {});
    const rows = Array.isArray(this.get(parts)) ? this.get(parts) : [];
    const min = node.minItems || 0;
    const max = node.maxItems ?? Infinity;
    const title = this.labelText(node, parts);
    const headingId = newId("arr");
    const limits = [min ? `至少 ${min} 行` : "", Number.isFinite(max) ? `最多 ${max} 行` : ""].filter(Boolean).join("，");
    const head = h("div", { class: "array-head" },
      h("h3", { id: headingId }, title, this.requiredMark(options.required)),
      h("span", { class: "array-count", "aria-live": "polite" }, `现有 ${rows.length} 行${limits ? `（${limits}）` : ""}`));
    const out = [head];
    if (node.description) out.push(h("p", { class: "hint" }, node.description));
    const mutate = (fn, focus) => {
      const list = Array.isArray(this.get(parts)) ? [...this.get(parts)] : [];
      fn(list);
      this.set(parts, list);
      redraw(focus);
    };
    const rowActions = (index) => h("span", { class: "row-actions" },
      h("button", { type: "button", class: "icon", "aria-label": `上移第 ${index + 1} 行`, title: "上移", disabled: index === 0,
        onclick: () => mutate((l) => l.splice(index - 1, 0, ...l.splice(index, 1)), `[data-row="${index - 1}"] .row-actions button`) }, "↑"),
      h("button", { type: "button", class: "icon", "aria-label": `下移第 ${index + 1} 行`, title: "下移", disabled: index === rows.length - 1,
        onclick: () => mutate((l) => l.splice(index + 1, 0, ...l.splice(index, 1)), `[data-row="${index + 1}"] .row-actions button:nth-child(2)`) }, "↓"),
      h("button", { type: "button", class: "icon danger", "aria-label": `删除第 ${index + 1} 行`, title: "删除", disabled: rows.length <= min,
        onclick: () => mutate((l) => l.splice(index, 1), ".add-row") }, "✕"));
    const isObject = items.type === "object" && items.properties;
    const columns = isObject ? Object.entries(items.properties).map(([k, p]) => [k, this.schema.normalize(p)]) : [[null, items]];
    const requiredCols = new Set(items.required || []);
    if (layout === "table") {
      const table = h("table", { class: "edit-table", "aria-labelledby": headingId },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col", class: "rownum" }, "序号"),
          columns.map(([k, col]) => h("th", { scope: "col" }, col.title || k || title, this.requiredMark(k ? requiredCols.has(k) : true))),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "操作")))));
      const body = h("tbody");
      rows.forEach((row, index) => {
        const tr = h("tr", { dataset: { row: String(index) } }, h("th", { scope: "row", class: "rownum" }, String(index + 1)));
        for (const [key, col] of columns) {
          const cellParts = key === null ? [...parts, index] : [...parts, index, key];
          const kind = this.schema.kind(col);
          const field = this.renderScalar({ ...col, title: `第 ${index + 1} 行 ${col.title || title}` }, cellParts, kind,
            { required: key === null || requiredCols.has(key), inCell: true });
          field.querySelector("label").classList.add("visually-hidden");
          tr.append(h("td", {}, field));
        }
        tr.append(h("td", { class: "actions-cell" }, rowActions(index)));
        const rowErrors = h("div", { class: "field-errors", id: newId("err") });
        this.register([...parts, index], { focus: tr.querySelector("input,select,textarea"), container: tr, errors: rowErrors, prefix: `第 ${index + 1} 行：` });
        tr.lastChild.append(rowErrors);
        body.append(tr);
      });
      table.append(body);
      out.push(h("div", { class: "table-scroll" }, table));
    } else {
      rows.forEach((row, index) => {
        const legendId = newId("lg");
        const card = h("fieldset", { class: "card", "aria-labelledby": legendId, dataset: { row: String(index) } },
          h("legend", { id: legendId }, `${title} 第 ${index + 1} 项`), rowActions(index));
        card.append(isObject ? this.renderObjectBody(items, [...parts, index])
          : this.renderField(items, [...parts, index], { required: true }));
        this.register([...parts, index], { focus: card, container: card, errors: this.errorBox(card) });
        out.push(card);
      });
    }
    out.push(h("button", { type: "button", class: "add-row", disabled: rows.length >= max,
      onclick: () => mutate((l) => l.push(isObject ? {} : null), `[data-row="${rows.length}"] input, [data-row="${rows.length}"] select, [data-row="${rows.length}"] textarea`) },
    `＋ 添加一行${rows.length >= max ? `（已达上限 ${max} 行）` : ""}`));
    const errors = h("div", { class: "field-errors", id: newId("err") });
    out.push(errors);
    this.register(parts, { focus: out[out.length - 2], container: head, errors });
    return out;
  }

  // --- errors and derived values ------------------------------------------------------------------------------

  /** Place the server's errors next to their fields; returns them with the element each one links to. */
  setErrors(errors) {
    this.lastErrors = errors;
    return this.applyErrors();
  }

  applyErrors() {
    for (const entry of this.fields.values()) {
      entry.errors.replaceChildren();
      entry.container.classList.remove("has-error");
      if (entry.focus && entry.focus.removeAttribute) entry.focus.removeAttribute("aria-invalid");
    }
    const placed = [];
    for (const error of this.lastErrors) {
      const path = error.loc || "$";
      const target = [path, ...parentPaths(path)].map((p) => this.fields.get(p)).find(Boolean);
      const section = sectionOf(path);
      if (!target) {
        placed.push({ error, targetId: null, section });
        continue;
      }
      target.errors.append(h("div", { class: "msg" }, `${target.prefix || ""}${error.message}`));
      target.container.classList.add("has-error");
      if (target.focus && target.focus.setAttribute) target.focus.setAttribute("aria-invalid", "true");
      if (target.focus && !target.focus.id) target.focus.id = newId("t");
      placed.push({ error, targetId: target.focus ? target.focus.id : null, section });
    }
    return placed;
  }

  /** Show the values the server computed (averages, shares, growth rates) read-only beside the inputs. */
  setDerived(derived) {
    this.lastDerived = derived || {};
    this.applyDerived();
  }

  applyDerived() {
    for (const [path, target] of this.derivedTargets) {
      const value = this.lastDerived[path];
      const shown = value === undefined || value === null ? null : formatNumber(value);
      if (target.kind === "output") {
        target.el.textContent = shown ?? "—";
        target.el.title = shown === null ? "数据通过校验后显示" : "";
      } else if (target.el.value === "") {
        target.el.placeholder = shown === null ? target.placeholder : `自动计算：${shown}`;
      }
    }
  }
}

function sectionOf(path) {
  const match = /^\$\.([^.[]+)/.exec(path);
  return match ? match[1] : null;
}

function formatNumber(value) {
  return typeof value === "number" ? String(Math.round(value * 100) / 100) : String(value);
}
