// 地市批量生成: upload the batch ZIP, see the checks (POST /v1/batches/check) before running, start the job,
// follow its progress (the job id is in the URL, so a reload finds it again), cancel, download the results.

import { ApiError, apiFetch, filenameOf, getJson, saveBlob } from "../api.js";
import { alertMessage, announce, h } from "../dom.js";
import { listZip, readMember } from "../zip.js";

const POLL_MS = 1000;
const TYPE_LABELS = { park: "园区", enterprise: "企业" };

function errorList(errors) {
  if (!errors || !errors.length) return null;
  return h("ul", { class: "errors-inline" }, errors.map((e) => h("li", {}, `${e.label ? `${e.label}：` : ""}${e.message}`)));
}

function problemNotice(err) {
  return h("div", { class: "notice error", role: "alert" }, h("p", {}, err.message), err instanceof ApiError ? errorList(err.errors) : null);
}

export async function showBatch(main, jobId) {
  return jobId ? showJob(main, jobId) : showUpload(main);
}

function showUpload(main) {
  let chosen = null;
  const input = h("input", { type: "file", id: "batch-file", accept: ".zip,application/zip" });
  const checkArea = h("div", { id: "batch-check", "aria-live": "polite" });
  const startButton = h("button", { type: "button", class: "primary", id: "start-batch", disabled: true }, "开始生成");
  const drop = h("div", { class: "drop-zone" },
    h("label", { for: "batch-file" }, "批量材料 ZIP（根目录有 manifest.json 或候选名单 list.xlsx，以及清单引用的数据和附件）"), input,
    h("p", { class: "muted", id: "batch-file-hint" }, "候选名单 list.xlsx 可代替 manifest.json：每行一个申报对象，空白名单用 docgen batch --template-xlsx list.xlsx 生成；申请书数据可以是 JSON 或填报工作簿（.xlsx），错误会指出到单元格。也可以把 ZIP 文件拖到这里。"));
  const check = async (file) => {
    chosen = file;
    startButton.disabled = true;
    checkArea.replaceChildren(h("p", { class: "loading" }, `正在检查“${file.name}”…`));
    const body = new FormData();
    body.append("file", file, file.name);
    try {
      const result = await (await apiFetch("/v1/batches/check", { method: "POST", body })).json();
      checkArea.replaceChildren(...checkView(result));
      startButton.disabled = result.runnable === 0;
      announce(`检查完成：${result.total} 个申报对象，${result.runnable} 个将会生成，${result.problems.length} 个跨申报对象问题`);
    } catch (err) {
      checkArea.replaceChildren(problemNotice(err));
    }
  };
  input.addEventListener("change", () => input.files[0] && check(input.files[0]));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("drag-over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("drag-over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("drag-over");
    if (e.dataTransfer.files[0]) check(e.dataTransfer.files[0]);
  });
  startButton.addEventListener("click", async () => {
    startButton.disabled = true;
    const body = new FormData();
    body.append("file", chosen, chosen.name);
    try {
      const job = await (await apiFetch("/v1/batches", { method: "POST", body })).json();
      location.hash = `#/batch/${job.id}`;
    } catch (err) {
      startButton.disabled = false;
      checkArea.prepend(problemNotice(err));
    }
  });
  main.append(h("h1", {}, "地市批量生成"),
    h("p", { class: "lead" }, "上传一个地市全部申报对象的批量材料，先检查（重复申报、集团与子公司、创建领域、优先级、各表数据），确认后开始生成全部申报材料包和推荐汇总表。"),
    drop, checkArea, h("div", { class: "toolbar" }, startButton));
  return null;
}

function checkView(result) {
  const rows = result.candidates.map((c) => h("tr", { class: c.will_run ? "" : "row-skip" },
    h("td", {}, String(c.position)), h("td", {}, TYPE_LABELS[c.type] || "—"), h("td", {}, c.priority ?? "—"),
    h("td", {}, c.name || c.key),
    h("td", {}, c.will_run ? "将生成" : "将跳过", errorList(c.errors))));
  return [
    h("h2", {}, `检查结果：${result.recommender}`),
    h("p", {}, `共 ${result.total} 个申报对象，${result.runnable} 个将会生成。`),
    result.problems.length
      ? h("section", { class: "notice warn", "aria-labelledby": "cross-h" }, h("h3", { id: "cross-h" }, `跨申报对象检查：${result.problems.length} 个问题`),
        h("ul", { id: "cross-problems" }, result.problems.map((p) => h("li", { dataset: { code: p.code } }, p.message))))
      : h("p", { class: "notice ok", id: "cross-problems-none" }, "跨申报对象检查：未发现问题。"),
    h("table", { class: "list-table", id: "check-table" },
      h("thead", {}, h("tr", {}, ["清单序号", "类别", "优先级", "名称", "检查"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)),
  ];
}

function showJob(main, jobId) {
  let timer = null;
  let stopped = false;
  let resultBuffer = null;
  const heading = h("h1", {}, "地市批量生成：任务进度");
  const stateLine = h("p", { class: "job-state", id: "job-state", "aria-live": "polite" }, "正在读取任务状态…");
  const progress = h("progress", { id: "job-progress", max: 1, value: 0, "aria-label": "批量任务进度" });
  const counts = h("p", { id: "job-counts" });
  const actions = h("div", { class: "toolbar" });
  const table = h("table", { class: "list-table", id: "job-table" },
    h("thead", {}, h("tr", {}, ["优先级", "类别", "名称", "状态", "页数", "说明"].map((t) => h("th", { scope: "col" }, t)))));
  const tbody = h("tbody");
  table.append(tbody);
  const errorBox = h("div");
  const cancelButton = h("button", { type: "button", class: "danger", id: "cancel-batch" }, "取消任务");
  cancelButton.addEventListener("click", async () => {
    if (!confirm("取消这个批量任务？已完成的申报对象会保留。")) return;
    cancelButton.disabled = true;
    try {
      render(await (await apiFetch(`/v1/batches/${jobId}`, { method: "DELETE" })).json());
    } catch (err) {
      errorBox.replaceChildren(problemNotice(err));
    }
  });

  async function resultZip() {
    if (!resultBuffer) {
      const response = await apiFetch(`/v1/batches/${jobId}/result`);
      resultBuffer = { name: filenameOf(response, `batch-${jobId}.zip`), buffer: await response.arrayBuffer() };
    }
    return resultBuffer;
  }

  const downloadZip = h("button", { type: "button", class: "primary", id: "download-batch" }, "下载全部结果（ZIP）");
  downloadZip.addEventListener("click", async () => {
    try {
      const { name, buffer } = await resultZip();
      saveBlob(new Blob([buffer], { type: "application/zip" }), name);
    } catch (err) {
      errorBox.replaceChildren(problemNotice(err));
    }
  });
  const downloadMember = (id, label, pattern, type) => {
    const button = h("button", { type: "button", id }, label);
    button.addEventListener("click", async () => {
      try {
        const { buffer } = await resultZip();
        const member = listZip(buffer).find((m) => pattern.test(m.name));
        if (!member) throw new Error(`结果中没有${label.replace("下载", "")}`);
        saveBlob(new Blob([await readMember(buffer, member)], { type }), member.name.split("/").pop());
      } catch (err) {
        errorBox.replaceChildren(problemNotice(err));
      }
    });
    return button;
  };
  const summaryButton = downloadMember("download-summary", "下载推荐汇总表（PDF）", /推荐汇总表[^/]*\.pdf$/, "application/pdf");
  const summaryXlsxButton = downloadMember("download-summary-xlsx", "下载推荐汇总表（Excel）", /推荐汇总表[^/]*\.xlsx$/,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const reportButton = downloadMember("download-report", "下载报告（报告.txt）", /(^|\/)报告\.txt$/, "text/plain");

  function render(status) {
    stateLine.textContent = `状态：${status.state_label}${status.cancel_requested && !["cancelled"].includes(status.state) ? "（已请求取消）" : ""}`;
    progress.max = Math.max(status.total, 1);
    progress.value = status.done;
    progress.setAttribute("aria-valuetext", `已处理 ${status.done} / ${status.total}`);
    counts.textContent = `已处理 ${status.done} / ${status.total}：成功 ${status.ok}，失败 ${status.failed}`;
    tbody.replaceChildren(...status.candidates.map((c) => h("tr", { class: `status-${c.status}`, dataset: { key: c.key } },
      h("td", {}, c.priority ?? "—"), h("td", {}, TYPE_LABELS[c.type] || "—"), h("td", {}, c.name || c.key),
      h("td", { class: "cand-status" }, c.status_label), h("td", {}, c.pages ?? ""),
      h("td", {}, c.reused ? "沿用已有结果" : "", errorList(c.errors)))));
    const finished = ["completed", "completed_with_failures", "failed", "cancelled"].includes(status.state);
    const downloadable = ["completed", "completed_with_failures"].includes(status.state);
    actions.replaceChildren(...(finished ? [] : [cancelButton]), ...(downloadable ? [downloadZip, summaryButton, summaryXlsxButton, reportButton] : []),
      h("a", { href: "#/batch", class: "button" }, "提交新的批量任务"));
    if (status.error) errorBox.replaceChildren(h("div", { class: "notice error" }, status.error.message || JSON.stringify(status.error)));
    return finished;
  }

  async function poll() {
    if (stopped) return;
    try {
      const status = await getJson(`/v1/batches/${jobId}`);
      if (stopped) return;
      const wasRunning = progress.dataset.finished !== "true";
      const finished = render(status);
      if (finished) {
        progress.dataset.finished = "true";
        if (wasRunning) announce(`批量任务${status.state_label}：成功 ${status.ok}，失败 ${status.failed}`);
        return;
      }
    } catch (err) {
      errorBox.replaceChildren(problemNotice(err));
      if (err instanceof ApiError && err.status === 404) return;
      alertMessage(err.message);
    }
    timer = setTimeout(poll, POLL_MS);
  }

  main.append(heading, h("p", { class: "muted" }, "任务在服务器上运行：可以关闭或刷新本页，用同一地址回来查看。任务 ID：", h("code", {}, jobId)),
    stateLine, progress, counts, actions, errorBox, table);
  poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
