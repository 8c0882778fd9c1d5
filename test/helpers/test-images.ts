// Real image bytes for tests, built in memory (no binary fixtures in the repository).
import { crc32, deflateSync } from 'node:zlib';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; colour type 0 = greyscale, deflate, no filter, no interlace
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), pngChunk('IHDR', ihdr)]);
}

export interface PngOptions {
  /** Pseudo-random pixels instead of black: a file that barely compresses. */
  noise?: boolean;
  /** A `tEXt` chunk of this many bytes, so the file size and the pixel size vary independently. */
  paddingBytes?: number;
}

/** A complete, decodable greyscale PNG. */
export function buildPng(width: number, height: number, options: PngOptions = {}): Buffer {
  const rows = Buffer.alloc((width + 1) * height);
  if (options.noise) {
    let seed = 12345;
    for (let index = 0; index < rows.length; index += 1) {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      if (index % (width + 1) !== 0) rows[index] = (seed >>> 16) & 0xff;
    }
  }
  const padding = options.paddingBytes ?? 0;
  return Buffer.concat([
    pngHeader(width, height),
    ...(padding > 0 ? [pngChunk('tEXt', Buffer.from(`Comment\0${'p'.repeat(padding)}`, 'latin1'))] : []),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG with its IHDR and no pixel data: enough for any header reader, cheap at any size. */
export function buildPngHeaderOnly(width: number, height: number): Buffer {
  return Buffer.concat([pngHeader(width, height), pngChunk('IEND', Buffer.alloc(0))]);
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/**
 * A baseline JPEG header stream: SOI, `appSegments` APP1 (EXIF-like) segments of `appSize` bytes
 * each, DQT, SOF0 with the size, EOI. Large APP segments push SOF far past the first kilobytes.
 */
export function buildJpeg(width: number, height: number, appSegments = 0, appSize = 60_000): Buffer {
  const frame = Buffer.from([8, 0, 0, 0, 0, 1, 1, 0x11, 0]);
  frame.writeUInt16BE(height, 1);
  frame.writeUInt16BE(width, 3);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...Array.from({ length: appSegments }, (_, index) => jpegSegment(0xe1, Buffer.alloc(appSize, index + 1))),
    jpegSegment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])),
    jpegSegment(0xc0, frame),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** GIF89a logical screen descriptor followed by a trailer. */
export function buildGif(width: number, height: number): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  return Buffer.concat([Buffer.from('GIF89a', 'latin1'), screen, Buffer.from([0x3b])]);
}

/** A lossless (VP8L) WebP header. */
export function buildWebp(width: number, height: number): Buffer {
  const bits = Buffer.alloc(4);
  bits.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14));
  const vp8l = Buffer.concat([Buffer.from([0x2f]), bits, Buffer.alloc(16)]);
  const chunkLength = Buffer.alloc(4);
  chunkLength.writeUInt32LE(vp8l.length);
  const body = Buffer.concat([Buffer.from('WEBPVP8L', 'latin1'), chunkLength, vp8l]);
  const riffLength = Buffer.alloc(4);
  riffLength.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), riffLength, body]);
}

/** Shorthands for the base64 the APIs carry. */
export const pngBase64 = (width: number, height: number, options?: PngOptions): string =>
  buildPng(width, height, options).toString('base64');
export const jpegBase64 = (width: number, height: number): string =>
  buildJpeg(width, height).toString('base64');
