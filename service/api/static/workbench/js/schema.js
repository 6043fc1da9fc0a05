// Reading a template's JSON Schema (as GET /v1/templates/{id}/schema publishes it) into form field kinds.

const YEAR_KEY = /^\d{4}$/;
const CHAR_LIMIT = /不超过\s*(\d+)\s*字/;
const UNIT = /[（(]([^（）()]+)[）)]\s*$/;

export class Schema {
  constructor(root) {
    this.root = root;
  }

  lookup(ref) {
    if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
    return ref.slice(2).split("/").reduce((node, part) => node[part.replace(/~1/g, "/").replace(/~0/g, "~")], this.root);
  }

  /**
   * The node with $ref followed and `anyOf: [X, null]` unwrapped; the referring node's own title,
   * description and default win over the target's (a field's title is more specific than its type's).
   */
  normalize(node) {
    let out = node || {};
    for (let guard = 0; guard < 20; guard += 1) {
      if (out.$ref) {
        const { $ref, ...rest } = out;
        out = { ...this.lookup($ref), ...rest };
        continue;
      }
      if (Array.isArray(out.anyOf)) {
        const options = out.anyOf.filter((s) => s.type !== "null");
        if (options.length === 1) {
          const { anyOf, ...rest } = out;
          out = { ...this.normalize(options[0]), ...rest, nullable: options.length < anyOf.length };
          continue;
        }
      }
      break;
    }
    return out;
  }

  /** What input represents a (normalized) node. */
  kind(node) {
    if (Array.isArray(node.enum)) return "select";
    const type = node.type;
    if (type === "boolean") return "checkbox";
    if (type === "integer" || type === "number") return "number";
    if (type === "string") {
      if (node.format === "date") return "date";
      if (charLimit(node) || node.maxLength === undefined || node.maxLength > 500) return "textarea";
      return "text";
    }
    if (type === "object") {
      const props = node.properties ? Object.keys(node.properties) : [];
      if (props.length === 0) return "json";
      if (props.every((key) => YEAR_KEY.test(key))) return "series";
      return "object";
    }
    if (type === "array") {
      const items = this.normalize(node.items || {});
      if (Array.isArray(items.enum)) return "checkboxes";
      if (items.type === "object" && items.properties) {
        const nested = Object.values(items.properties).some((p) => {
          const kind = this.kind(this.normalize(p));
          return ["object", "series", "table", "cards", "checkboxes", "json", "list"].includes(kind);
        });
        return nested ? "cards" : "table";
      }
      if (["string", "number", "integer"].includes(items.type)) return "list";
      return "json";
    }
    return "json";
  }
}

/** The narrative limit "不超过 2000 字" stated in the description, counted without whitespace. */
export function charLimit(node) {
  const match = CHAR_LIMIT.exec(node.description || "");
  return match ? Number(match[1]) : null;
}

/** The unit at the end of a title: "总营业收入（亿元）" → "亿元"; "（个，同一企业不重复计算）" → "个". */
export function unitOf(node) {
  const match = UNIT.exec(node.title || "");
  if (!match) return "";
  const unit = match[1].split(/[，,]/)[0].trim();
  return unit.length <= 8 ? unit : "";
}

/** "$.a.b[0].c" from ["a", "b", 0, "c"] — the API's error locations use the same notation. */
export function jsonPath(parts) {
  return parts.reduce((path, part) => (typeof part === "number" ? `${path}[${part}]` : `${path}.${part}`), "$");
}

/** The parent paths of "$.a.b[0].c", nearest first: "$.a.b[0]", "$.a.b", "$.a", "$". */
export function parentPaths(path) {
  const out = [];
  let rest = path;
  for (;;) {
    const cut = Math.max(rest.lastIndexOf("."), rest.lastIndexOf("["));
    if (cut <= 0) break;
    rest = rest.slice(0, cut);
    out.push(rest);
  }
  if (path !== "$") out.push("$");
  return out;
}

/** Characters that count against a narrative limit (whitespace does not). */
export function countChars(text) {
  return (text || "").replace(/\s/g, "").length;
}
