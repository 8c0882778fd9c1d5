import { deflateSync } from 'node:zlib';

// Tiny but real images for tests, built from scratch: a PNG (zlib + CRC-32) and a baseline JPEG.

/** A 2×2 RGB PNG. */
export function tinyPngBase64(): string {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter, no interlace
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return png.toString('base64');
}

/** An 8×8 grey baseline JPEG: one block whose DC difference and AC coefficients are all zero. */
export function tinyJpegBase64(): string {
  const quantisation = Buffer.concat([Buffer.from([0xff, 0xdb, 0x00, 0x43, 0x00]), Buffer.alloc(64, 1)]);
  const frame = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00]);
  // One Huffman code of length 1 ("0") per table: DC category 0, AC end-of-block.
  const dcTable = Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x00, 1, ...Array<number>(15).fill(0), 0x00]);
  const acTable = Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x10, 1, ...Array<number>(15).fill(0), 0x00]);
  const scan = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
  const data = Buffer.from([0x3f]); // bits "00" + padding ones
  const jpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    quantisation,
    frame,
    dcTable,
    acTable,
    scan,
    data,
    Buffer.from([0xff, 0xd9]),
  ]);
  return jpeg.toString('base64');
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
