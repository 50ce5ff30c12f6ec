/**
 * Writes the installable app's icons (client/public/icons/icon-192.png, icon-512.png): a 3 × 3
 * grid of rounded cells in the app's blue on white, one cell highlighted. PNG encoded here with
 * zlib (no image library needed for flat shapes). Run `npx tsx scripts/build-app-icons.ts`; the
 * icons are committed.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function icon(size: number): Buffer {
  const px = (x: number, y: number): [number, number, number] => {
    const m = size * 0.16; // margin (maskable safe zone)
    const cell = (size - 2 * m) / 3;
    const gx = Math.floor((x - m) / cell);
    const gy = Math.floor((y - m) / cell);
    if (gx < 0 || gy < 0 || gx > 2 || gy > 2) return [0x4b, 0x5b, 0xab];
    const lx = x - m - gx * cell;
    const ly = y - m - gy * cell;
    const gap = cell * 0.08;
    if (lx < gap || ly < gap || lx > cell - gap || ly > cell - gap) return [0x4b, 0x5b, 0xab];
    return gx === 1 && gy === 1 ? [0xf2, 0xa9, 0x3b] : [0xff, 0xff, 0xff];
  };
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(px(x, y), y * (size * 3 + 1) + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of [192, 512]) writeFileSync(`client/public/icons/icon-${size}.png`, icon(size));
process.stderr.write('wrote client/public/icons/icon-192.png, icon-512.png\n');
