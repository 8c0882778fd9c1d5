import { readBase64ImageSize } from './read-base64-image-size.js';

// Anthropic's vision docs (platform.claude.com/docs/en/build-with-claude/vision and
// …/vision-coordinates, 2026): "Claude views images in patches … Each patch is a 28×28 pixel block
// … An image therefore costs ⌈width / 28⌉ × ⌈height / 28⌉ visual tokens." A larger image is first
// resized to "the largest aspect-preserving size" whose long edge fits the model's native
// resolution and whose patch count fits its visual-token budget: 1568 px / 1568 tokens for the
// standard tier, 2576 px / 4784 tokens for the high-resolution tier. The older rule on the same
// page, tokens ≈ width × height / 750 with a 1568 px / ~1 600-token cap, is this one rounded
// (28² = 784 ≈ 750): 1000×1000 is 1296 patches, "≈ 1334" by the old formula.

export const PATCH_SIZE = 28;

export interface ImageSizeLimits {
  /** Longest edge, in pixels, the model sees. */
  maxLongEdge: number;
  /** Visual-token budget of one image: at most this many 28×28 patches. */
  maxPatches: number;
}

export const STANDARD_IMAGE_LIMITS: ImageSizeLimits = { maxLongEdge: 1568, maxPatches: 1568 };

/** Claude Opus 4.7 reads images up to 2576 px on the long edge (~3.75 MP). */
export const HIGH_RESOLUTION_IMAGE_LIMITS: ImageSizeLimits = { maxLongEdge: 2576, maxPatches: 4784 };

/** The limits of a Kiro model id: claude-opus-4.7 is high resolution, everything else standard. */
export function imageLimitsForModel(modelId: string): ImageSizeLimits {
  return /^claude-opus-4\.7(?:$|-)/i.test(modelId) ? HIGH_RESOLUTION_IMAGE_LIMITS : STANDARD_IMAGE_LIMITS;
}

function patches(width: number, height: number): number {
  return Math.ceil(width / PATCH_SIZE) * Math.ceil(height / PATCH_SIZE);
}

/** Tokens of a width × height image after Anthropic's aspect-preserving downscale. */
export function imageTokensForSize(
  width: number,
  height: number,
  limits: ImageSizeLimits = STANDARD_IMAGE_LIMITS,
): number {
  if (!(width > 0 && height > 0)) return limits.maxPatches;
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const cost = (edge: number) => patches(edge, Math.max(1, Math.round((short * edge) / long)));
  // The patch count never decreases as the long edge grows, so the largest fitting edge is a binary search.
  let low = 1;
  let high = Math.min(long, Math.floor(limits.maxLongEdge));
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (cost(middle) <= limits.maxPatches) low = middle;
    else high = middle - 1;
  }
  return cost(low);
}

/**
 * Tokens of a base64 image, from the size in its header; the base64 text itself is never counted.
 * An image whose header cannot be read counts as the largest image the limits allow (1568 tokens
 * by default, close to the flat 1 600 AIClient-2-API uses), so an unknown image never under-counts.
 */
export function countImageTokens(base64: string, limits: ImageSizeLimits = STANDARD_IMAGE_LIMITS): number {
  const info = readBase64ImageSize(base64);
  return info === undefined ? limits.maxPatches : imageTokensForSize(info.width, info.height, limits);
}
