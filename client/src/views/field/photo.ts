/**
 * Resizes a photo on the device before it is queued: at most 1280 px on the long side, JPEG, with
 * the quality lowered until it fits the server's limit (400 KB; we aim under 380 KB).
 */
const MAX_SIDE = 1280;
const MAX_BYTES = 380 * 1024;

/** Width and height scaled so the long side is at most `max` (never enlarged). */
export function fitSize(w: number, h: number, max = MAX_SIDE): [number, number] {
  const s = Math.min(1, max / Math.max(w, h));
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
}

/** base64 without the data-URL prefix, and its decoded size. */
function base64Of(dataUrl: string): { data: string; bytes: number } {
  const data = dataUrl.slice(dataUrl.indexOf(',') + 1);
  return { data, bytes: Math.floor((data.length * 3) / 4) };
}

export async function resizePhoto(file: Blob): Promise<{ mime: 'image/jpeg'; data: string; bytes: number; width: number; height: number }> {
  const bmp = await createImageBitmap(file);
  const [w, h] = fitSize(bmp.width, bmp.height);
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas 2d unavailable');
  ctx.drawImage(bmp, 0, 0, w, h);
  bmp.close();
  for (const q of [0.82, 0.7, 0.55, 0.4, 0.3]) {
    const out = base64Of(canvas.toDataURL('image/jpeg', q));
    if (out.bytes <= MAX_BYTES) return { mime: 'image/jpeg', ...out, width: w, height: h };
  }
  throw new Error('photo too large even after resizing');
}
