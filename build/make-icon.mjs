#!/usr/bin/env node
// Draws the wsflow app icon (an upgrader -> service -> three handlers flow on a rounded square)
// with signed-distance shapes and writes PNGs through a tiny encoder over zlib, so the icon is
// reproducible from source without an image tool. Run: node build/make-icon.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
/** RGBA pixels (size*size*4) -> PNG bytes (8-bit RGBA, filter 0 on every row). */
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes in a 512-unit design space.
const sdRoundRect = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const sdCircle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const sdSegment = (x, y, ax, ay, bx, by, w) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t) - w / 2;
};

const upgrader = [128, 256];
const service = [256, 256];
const handlers = [[392, 148], [392, 256], [392, 364]];

export function drawIcon(size) {
  const s = size / 512;
  const px = Buffer.alloc(size * size * 4);
  const blend = (i, r, g, b, a) => {
    const da = px[i + 3] / 255;
    const oa = a + da * (1 - a);
    if (oa === 0) return;
    px[i] = Math.round((r * a + px[i] * da * (1 - a)) / oa);
    px[i + 1] = Math.round((g * a + px[i + 1] * da * (1 - a)) / oa);
    px[i + 2] = Math.round((b * a + px[i + 2] * da * (1 - a)) / oa);
    px[i + 3] = Math.round(oa * 255);
  };
  // Coverage of a shape from its distance in output pixels (one-pixel anti-aliased edge).
  const cover = (d) => Math.max(0, Math.min(1, 0.5 - d * s));
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      const x = (pxl + 0.5) / s;
      const y = (py + 0.5) / s;
      const i = (py * size + pxl) * 4;
      const bg = cover(sdRoundRect(x, y, 256, 256, 232, 232, 96));
      if (bg <= 0) continue;
      const t = (x + y) / 1024; // diagonal gradient: indigo -> blue
      blend(i, 58 + (31 - 58) * t, 46 + (111 - 46) * t, 140 + (235 - 140) * t, bg);
      let wire = cover(sdSegment(x, y, upgrader[0] + 59, upgrader[1], ...service, 18));
      for (const h of handlers) wire = Math.max(wire, cover(sdSegment(x, y, ...service, ...h, 14)));
      if (wire > 0) blend(i, 200, 220, 255, wire * 0.85 * bg);
      const ring = cover(Math.abs(sdCircle(x, y, ...upgrader, 50)) - 9);
      const dot = Math.max(cover(sdCircle(x, y, ...service, 58)), ...handlers.map((h) => cover(sdCircle(x, y, ...h, 36))));
      if (ring > 0) blend(i, 255, 255, 255, ring * bg);
      if (dot > 0) blend(i, 255, 255, 255, dot * bg);
      const core = cover(sdCircle(x, y, ...service, 24));
      if (core > 0) blend(i, 47, 92, 210, core * bg);
    }
  }
  return px;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(join(here, 'icon.png'), encodePng(1024, drawIcon(1024)));
  mkdirSync(join(here, 'icons'), { recursive: true });
  for (const size of [16, 32, 48, 64, 128, 256, 512]) {
    writeFileSync(join(here, 'icons', `${size}x${size}.png`), encodePng(size, drawIcon(size)));
  }
  process.stdout.write('wrote build/icon.png (1024x1024) and build/icons/*.png\n');
}
