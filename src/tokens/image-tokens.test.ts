import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPng, buildPngHeaderOnly } from '../../test/helpers/test-images.js';
import {
  HIGH_RESOLUTION_IMAGE_LIMITS,
  STANDARD_IMAGE_LIMITS,
  countImageTokens,
  imageLimitsForModel,
  imageTokensForSize,
} from './image-tokens.js';

describe('imageTokensForSize', () => {
  it.each([
    [200, 200, 64],
    [1000, 1000, 1296],
    [1092, 1092, 1521],
    [784, 1568, 1568],
    [1456, 819, 1560],
  ])('costs %i×%i as ⌈w/28⌉·⌈h/28⌉ = %i patches when it fits', (width, height, expected) => {
    expect(imageTokensForSize(width, height)).toBe(expected);
  });

  it('stays within ~3% of the older width·height/750 approximation for images that fit', () => {
    expect(imageTokensForSize(1000, 1000) / ((1000 * 1000) / 750)).toBeCloseTo(0.97, 2);
  });

  it('shrinks a long edge above 1568 px first', () => {
    // 3000×500 → 1568×261: 56 × 10 patches.
    expect(imageTokensForSize(3000, 500)).toBe(560);
  });

  it('shrinks a large image to the largest size within the 1568-patch budget', () => {
    // 4000×3000 → 1269×952 (1270×953 would need 46 × 35 = 1610 patches).
    expect(imageTokensForSize(4000, 3000)).toBe(1564);
    // A 16:9 screenshot → 1456×819, the size Anthropic's table lists for 9:16.
    expect(imageTokensForSize(2560, 1440)).toBe(1560);
  });

  it('never exceeds the budget nor grows an image, for any size up to the 8000 px API maximum', () => {
    const size = fc.integer({ min: 1, max: 8000 });
    fc.assert(
      fc.property(size, size, (width, height) => {
        const tokens = imageTokensForSize(width, height);
        expect(tokens).toBeGreaterThan(0);
        expect(tokens).toBeLessThanOrEqual(STANDARD_IMAGE_LIMITS.maxPatches);
        expect(tokens).toBeLessThanOrEqual(Math.ceil(width / 28) * Math.ceil(height / 28));
      }),
    );
  });

  it('uses the larger Opus 4.7 limits when asked', () => {
    expect(imageTokensForSize(2576, 1456, HIGH_RESOLUTION_IMAGE_LIMITS)).toBe(4784);
    expect(imageTokensForSize(4000, 3000, HIGH_RESOLUTION_IMAGE_LIMITS)).toBeLessThanOrEqual(4784);
    expect(imageTokensForSize(1000, 1000, HIGH_RESOLUTION_IMAGE_LIMITS)).toBe(1296);
  });

  it('treats a zero size as the largest possible image', () => {
    expect(imageTokensForSize(0, 10)).toBe(1568);
  });
});

describe('countImageTokens', () => {
  it('counts a real 1000×1000 PNG by the image rule: 1296 patches (≈ 1000·1000/750 = 1333)', () => {
    expect(countImageTokens(buildPng(1000, 1000).toString('base64'))).toBe(1296);
  });

  it('counts a huge PNG at its downscaled size', () => {
    expect(countImageTokens(buildPng(4000, 3000).toString('base64'))).toBe(1564);
  });

  it('depends on pixels only, not on the length of the base64', () => {
    const small = buildPng(1000, 1000).toString('base64');
    const noisy = buildPng(1000, 1000, { noise: true }).toString('base64');
    expect(noisy.length).toBeGreaterThan(small.length * 50);
    expect(countImageTokens(noisy)).toBe(countImageTokens(small));
  });

  it('counts an unreadable image as the largest image the limits allow', () => {
    expect(countImageTokens('not base64 image data')).toBe(1568);
    expect(countImageTokens('', HIGH_RESOLUTION_IMAGE_LIMITS)).toBe(4784);
  });

  it('reads sizes up to the API maximum from the header alone', () => {
    expect(countImageTokens(buildPngHeaderOnly(8000, 8000).toString('base64'))).toBe(
      imageTokensForSize(8000, 8000),
    );
  });
});

describe('imageLimitsForModel', () => {
  it.each([
    ['claude-opus-4.7', HIGH_RESOLUTION_IMAGE_LIMITS],
    ['CLAUDE-OPUS-4.7', HIGH_RESOLUTION_IMAGE_LIMITS],
    ['claude-opus-4.6', STANDARD_IMAGE_LIMITS],
    ['claude-opus-4.75', STANDARD_IMAGE_LIMITS],
    ['claude-sonnet-4.5', STANDARD_IMAGE_LIMITS],
    ['auto', STANDARD_IMAGE_LIMITS],
  ])('%s → %o', (modelId, limits) => {
    expect(imageLimitsForModel(modelId)).toBe(limits);
  });
});
