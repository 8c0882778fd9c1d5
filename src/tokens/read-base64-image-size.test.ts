import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { sniffBase64Image } from '../shared/image-info.js';
import {
  buildGif,
  buildJpeg,
  buildPng,
  buildPngHeaderOnly,
  buildWebp,
} from '../../test/helpers/test-images.js';
import { readBase64ImageSize } from './read-base64-image-size.js';

const base64 = (bytes: Buffer) => bytes.toString('base64');

describe('readBase64ImageSize', () => {
  it.each([
    ['PNG', buildPng(640, 480), 'image/png'],
    ['GIF', buildGif(640, 480), 'image/gif'],
    ['WebP', buildWebp(640, 480), 'image/webp'],
    ['JPEG', buildJpeg(640, 480), 'image/jpeg'],
  ] as const)('reads the size of a %s from its header', (_, bytes, mediaType) => {
    expect(readBase64ImageSize(base64(bytes))).toEqual({ mediaType, width: 640, height: 480 });
  });

  it('accepts a data: URL', () => {
    const url = `data:image/png;base64,${base64(buildPng(32, 16))}`;
    expect(readBase64ImageSize(url)).toEqual({ mediaType: 'image/png', width: 32, height: 16 });
  });

  it('finds a JPEG frame header behind 120 KB of EXIF segments', () => {
    const jpeg = buildJpeg(4032, 3024, 2);
    expect(jpeg.indexOf(Buffer.from([0xff, 0xc0]))).toBeGreaterThan(120_000);
    expect(readBase64ImageSize(base64(jpeg))).toEqual({ mediaType: 'image/jpeg', width: 4032, height: 3024 });
  });

  it('falls back to a full decode when line breaks shift the base64 offsets', () => {
    const wrapped = base64(buildJpeg(800, 600, 1)).replace(/.{76}/g, '$&\n');
    expect(readBase64ImageSize(wrapped)).toEqual({ mediaType: 'image/jpeg', width: 800, height: 600 });
  });

  it('decodes only small slices of a large image, never the whole base64', () => {
    const png = base64(buildPng(1200, 900, { noise: true }));
    const jpeg = base64(buildJpeg(1200, 900, 3));
    expect(png.length + jpeg.length).toBeGreaterThan(1_000_000);
    const from = vi.spyOn(Buffer, 'from');
    expect(readBase64ImageSize(png)).toMatchObject({ width: 1200, height: 900 });
    expect(readBase64ImageSize(jpeg)).toMatchObject({ width: 1200, height: 900 });
    const decoded = from.mock.calls.map(([input]) => (typeof input === 'string' ? input.length : 0));
    expect(Math.max(...decoded)).toBeLessThanOrEqual(8192);
  });

  it('returns undefined for bytes that are not an image', () => {
    expect(readBase64ImageSize(base64(Buffer.from('just some text, not an image at all')))).toBeUndefined();
    expect(readBase64ImageSize('')).toBeUndefined();
    expect(readBase64ImageSize(base64(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00])))).toBeUndefined();
  });

  it('agrees with a full decode for any PNG or JPEG size and EXIF layout', () => {
    const size = fc.integer({ min: 1, max: 20_000 });
    fc.assert(
      fc.property(
        size,
        size,
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 2, max: 65_000 }),
        (w, h, n, app) => {
          for (const bytes of [buildPngHeaderOnly(w, h), buildJpeg(w, h, n, app)]) {
            expect(readBase64ImageSize(base64(bytes))).toEqual(sniffBase64Image(base64(bytes)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
