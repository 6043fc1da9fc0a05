// Reading a ZIP in the browser (the package the API returns): its central directory, then one member,
// inflated with the browser's own DecompressionStream. Enough for manifest.json and the merged PDF.

function u16(view, at) { return view.getUint16(at, true); }
function u32(view, at) { return view.getUint32(at, true); }

/** The members of a ZIP: [{name, method, compressedSize, size, offset}]. */
export function listZip(buffer) {
  const view = new DataView(buffer);
  let end = -1;
  for (let i = buffer.byteLength - 22; i >= Math.max(0, buffer.byteLength - 65557); i -= 1) {
    if (u32(view, i) === 0x06054b50) { end = i; break; }
  }
  if (end < 0) throw new Error("不是有效的 ZIP 文件");
  const count = u16(view, end + 10);
  let at = u32(view, end + 16);
  const decoder = new TextDecoder("utf-8");
  const members = [];
  for (let n = 0; n < count; n += 1) {
    if (u32(view, at) !== 0x02014b50) throw new Error("ZIP 目录损坏");
    const nameLength = u16(view, at + 28);
    const extraLength = u16(view, at + 30);
    const commentLength = u16(view, at + 32);
    members.push({
      name: decoder.decode(new Uint8Array(buffer, at + 46, nameLength)),
      method: u16(view, at + 10),
      compressedSize: u32(view, at + 20),
      size: u32(view, at + 24),
      offset: u32(view, at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/** The bytes of one member (stored or deflated). */
export async function readMember(buffer, member) {
  const view = new DataView(buffer);
  const local = member.offset;
  const start = local + 30 + u16(view, local + 26) + u16(view, local + 28);
  const raw = new Uint8Array(buffer, start, member.compressedSize);
  if (member.method === 0) return raw.slice();
  if (member.method !== 8) throw new Error("不支持的 ZIP 压缩方式");
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The first member whose name ends with `suffix`. */
export async function findMember(buffer, suffix) {
  const member = listZip(buffer).find((m) => m.name.endsWith(suffix));
  return member ? readMember(buffer, member) : null;
}
