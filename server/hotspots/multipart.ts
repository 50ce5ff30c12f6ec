/**
 * Minimal multipart/form-data reader for the incident upload (one file part plus small text fields).
 * Pure; returns null when the body is not well-formed multipart.
 */
export interface MultipartFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface MultipartResult {
  file: MultipartFile | null;
  fields: Record<string, string>;
}

export function boundaryOf(contentType: string | undefined): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2] ?? '').trim() : null;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartResult | null {
  const delim = Buffer.from(`--${boundary}`);
  const fields: Record<string, string> = {};
  let file: MultipartFile | null = null;
  let pos = body.indexOf(delim);
  if (pos < 0) return null;
  for (;;) {
    pos += delim.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
    if (body[pos] === 0x0d) pos += 2; // CRLF after the boundary
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) return null;
    const head = body.subarray(pos, headEnd).toString('utf8');
    const next = body.indexOf(delim, headEnd + 4);
    if (next < 0) return null;
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    const content = body.subarray(headEnd + 4, end);
    const disp = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disp)?.[1] ?? '';
    const fileName = /\bfilename="([^"]*)"/i.exec(disp)?.[1];
    if (fileName !== undefined) file ??= { fileName: fileName || name || 'upload', bytes: new Uint8Array(content) };
    else if (name) fields[name] = content.toString('utf8');
    pos = next;
  }
  return { file, fields };
}
