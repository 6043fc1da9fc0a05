// Client of the service's public HTTP API: API key handling, problem+json errors, downloads.

const KEY_STORAGE = "docgen.workbench.apiKey";

/** An RFC 9457 problem from the API (or a network failure) with its Chinese detail and field errors. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || body.title || `请求失败（${status}）`);
    this.status = status;
    this.code = body.code || "http_error";
    this.title = body.title || "请求失败";
    this.detail = body.detail || this.message;
    this.errors = Array.isArray(body.errors) ? body.errors : [];
  }
}

function storedKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

/** Ask for the key once (a modal dialog); kept for the browser tab's session only. */
let asking = null;
function askForKey(wrongKey) {
  if (asking) return asking;
  const dialog = document.getElementById("key-dialog");
  const input = document.getElementById("key-input");
  const error = document.getElementById("key-error");
  error.hidden = !wrongKey;
  error.textContent = wrongKey ? "密钥不正确，请重新输入。" : "";
  input.value = "";
  asking = new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      asking = null;
      const key = dialog.returnValue === "ok" ? input.value.trim() : "";
      if (key) sessionStorage.setItem(KEY_STORAGE, key);
      showKeyStatus();
      resolve(key || null);
    }, { once: true });
    dialog.showModal();
    input.focus();
  });
  return asking;
}

export function showKeyStatus() {
  const el = document.getElementById("key-status");
  if (!el) return;
  el.textContent = storedKey() ? "已输入 API 密钥" : "";
}

/**
 * fetch() against the API: adds the session's API key; on 401 asks for a key and retries;
 * throws ApiError for every non-2xx answer (with the problem's Chinese detail).
 */
export async function apiFetch(path, options = {}) {
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const headers = new Headers(options.headers || {});
    const key = storedKey();
    if (key) headers.set("X-API-Key", key);
    let response;
    try {
      response = await fetch(path, { ...options, headers });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ApiError(0, { code: "network_error", title: "无法连接服务", detail: "无法连接到申报材料生成服务，请检查网络后重试。" });
    }
    if (response.status === 401) {
      const entered = await askForKey(Boolean(key));
      if (!entered) throw await problemOf(response);
      continue;
    }
    if (!response.ok) throw await problemOf(response);
    return response;
  }
  throw new ApiError(401, { code: "api_key_required", title: "需要 API 密钥", detail: "未提供有效的 API 密钥。" });
}

async function problemOf(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = { detail: `服务返回了错误（HTTP ${response.status}）。` };
  }
  return new ApiError(response.status, body);
}

export async function getJson(path) {
  return (await apiFetch(path)).json();
}

export async function postJson(path, data, options = {}) {
  const response = await apiFetch(path, {
    ...options,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(data),
  });
  return response;
}

/** The file name a browser would save: RFC 6266 prefers filename* (UTF-8) over filename. */
export function filenameOf(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch { /* fall through to the plain name */ }
  }
  const plain = /filename\s*=\s*"([^"]+)"/i.exec(header);
  return plain ? plain[1] : fallback;
}

/** Save a Blob under a name (an <a download> click: works offline, no pop-up). */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
