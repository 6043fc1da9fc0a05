// Drafts kept in the browser (localStorage): several per browser, each saved on every change.
// Only this browser profile sees them; export a draft as its JSON payload file to move it elsewhere.

const INDEX_KEY = "docgen.workbench.drafts";
const DATA_PREFIX = "docgen.workbench.draft.";

function readIndex() {
  try {
    const list = JSON.parse(localStorage.getItem(INDEX_KEY) || "[]");
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

function writeIndex(list) {
  localStorage.setItem(INDEX_KEY, JSON.stringify(list));
}

/** Every draft's summary, most recently changed first. */
export function listDrafts() {
  return readIndex().sort((a, b) => (a.updated < b.updated ? 1 : -1));
}

export function getDraft(id) {
  const meta = readIndex().find((d) => d.id === id);
  if (!meta) return null;
  try {
    return { ...meta, data: JSON.parse(localStorage.getItem(DATA_PREFIX + id) || "{}") };
  } catch {
    return { ...meta, data: {} };
  }
}

export function createDraft(templateId, templateTitle, data, name) {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const now = new Date().toISOString();
  const meta = { id, template: templateId, templateTitle, name, created: now, updated: now };
  localStorage.setItem(DATA_PREFIX + id, JSON.stringify(data));
  writeIndex([...readIndex(), meta]);
  return meta;
}

/** Save the payload (and optionally a new name); returns the time saved. Throws when storage is full. */
export function saveDraft(id, data, changes = {}) {
  const now = new Date().toISOString();
  localStorage.setItem(DATA_PREFIX + id, JSON.stringify(data));
  writeIndex(readIndex().map((d) => (d.id === id ? { ...d, ...changes, updated: now } : d)));
  return now;
}

export function deleteDraft(id) {
  localStorage.removeItem(DATA_PREFIX + id);
  writeIndex(readIndex().filter((d) => d.id !== id));
}

/** A draft's name from its payload: the applicant on the cover when there is one. */
export function suggestedName(data, fallback) {
  const applicant = data && data.cover && data.cover.applicant;
  return typeof applicant === "string" && applicant.trim() ? applicant.trim() : fallback;
}
