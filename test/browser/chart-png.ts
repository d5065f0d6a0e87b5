// A real bar chart as a PNG, made without a plotting library (RGB rows, zlib, CRC-32): what code
// interpreter would return for "gain/loss per holding", so the page shows a chart worth a screenshot.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Bars for `values` (positive green above the axis, negative red below), on white with a grey axis. */
export function barChartPng(values: number[], width = 480, height = 260): Buffer {
  const rgb = Buffer.alloc(width * height * 3, 0xff);
  const set = (x: number, y: number, [r, g, b]: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (y * width + x) * 3;
    rgb[i] = r;
    rgb[i + 1] = g;
    rgb[i + 2] = b;
  };
  const max = Math.max(...values.map(Math.abs), 1);
  const margin = 20;
  const axis = Math.round(height / 2);
  const slot = (width - 2 * margin) / values.length;
  values.forEach((value, index) => {
    const barHeight = Math.round((Math.abs(value) / max) * (axis - margin));
    const x0 = Math.round(margin + index * slot + slot * 0.15);
    const x1 = Math.round(margin + (index + 1) * slot - slot * 0.15);
    const colour: [number, number, number] = value >= 0 ? [46, 160, 67] : [207, 34, 46];
    for (let x = x0; x < x1; x++) for (let dy = 0; dy < barHeight; dy++) set(x, value >= 0 ? axis - 1 - dy : axis + 1 + dy, colour);
  });
  for (let x = margin / 2; x < width - margin / 2; x++) set(x, axis, [90, 98, 112]);
  // Each row starts with filter type 0 (none).
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
