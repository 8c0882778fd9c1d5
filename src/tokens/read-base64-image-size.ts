import { sniffBase64Image, sniffImage, type ImageInfo } from '../shared/image-info.js';

/** PNG, GIF and WebP keep their size in the first 30 bytes; most JPEGs within the first few KiB. */
const HEAD_BYTES = 4096;
/** Segments walked before a JPEG is given up on (each APPn/DQT/DHT segment is one step). */
const MAX_JPEG_SEGMENTS = 1000;

/** Decodes bytes [start, start + length) of base64 `data` without decoding anything before or after. */
function decodeRange(data: string, start: number, length: number): Buffer {
  const first = Math.floor(start / 3);
  const bytes = Buffer.from(data.slice(first * 4, Math.ceil((start + length) / 3) * 4), 'base64');
  return bytes.subarray(start - first * 3, start - first * 3 + length);
}

function isStartOfFrame(marker: number): boolean {
  // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Follows the JPEG segment chain (SOI, APPn, DQT, …) to the start-of-frame header, decoding only
 * the 4-byte segment headers on the way: EXIF thumbnails and ICC profiles can push SOF 100 KiB in.
 */
function readJpegSize(data: string): { width: number; height: number } | undefined {
  let position = 2;
  for (let step = 0; step < MAX_JPEG_SEGMENTS; step += 1) {
    const header = decodeRange(data, position, 4);
    if (header.length < 2 || header[0] !== 0xff) return undefined;
    const marker = header[1]!;
    if (marker === 0xff) {
      position += 1; // fill byte
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      position += 2; // standalone marker, no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda || header.length < 4) return undefined;
    if (isStartOfFrame(marker)) {
      const frame = decodeRange(data, position + 5, 4);
      if (frame.length < 4) return undefined;
      const height = frame.readUInt16BE(0);
      const width = frame.readUInt16BE(2);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    position += 2 + header.readUInt16BE(2);
  }
  return undefined;
}

/**
 * The real format and pixel size of a base64 image (with or without a `data:` prefix), read from
 * its header: decodes a 4 KiB prefix, and for JPEG walks the segment headers, instead of decoding
 * a multi-megabyte image. Undefined when the bytes are not PNG, JPEG, GIF or WebP.
 */
export function readBase64ImageSize(data: string): ImageInfo | undefined {
  const comma = data.startsWith('data:') ? data.indexOf(',') : -1;
  const body = comma >= 0 ? data.slice(comma + 1) : data;
  const head = decodeRange(body, 0, HEAD_BYTES);
  const info = sniffImage(head);
  if (info !== undefined || head[0] !== 0xff || head[1] !== 0xd8) return info;
  const size = readJpegSize(body);
  if (size !== undefined) return { mediaType: 'image/jpeg', ...size };
  // Offsets drift when the base64 holds line breaks; a full decode still finds the frame.
  return sniffBase64Image(body);
}
