import { InvalidRequestError } from '../../shared/errors.js';
import { sniffBase64Image, type ImageMediaType } from '../../shared/image-info.js';
import { quoteInput } from '../../shared/quote-input.js';
import type { KiroImage, KiroImageFormat } from '../../upstream/kiro-request.js';

const FORMATS: Record<ImageMediaType, KiroImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

interface ImageSourceLike {
  type?: unknown;
  media_type?: unknown;
  data?: unknown;
}

/**
 * An Anthropic image block → a Kiro image. The format comes from the bytes, not from `media_type`, so a
 * mislabelled PNG/JPEG still works; a `data:` prefix and whitespace are stripped. URL and Files-API sources
 * cannot be fetched by a pure converter and are rejected with the field path (`path` names the block).
 */
export function convertImage(block: { source?: unknown }, path: string, warnings: string[]): KiroImage {
  const source = (block.source ?? {}) as ImageSourceLike;
  if (source.type === 'url') {
    throw new InvalidRequestError(
      `${path}.source: image URLs are not supported through Kiro; send the image as base64`,
    );
  }
  if (source.type === 'file') {
    throw new InvalidRequestError(
      `${path}.source: Files API images are not supported through Kiro; send the image as base64`,
    );
  }
  if (source.type !== 'base64' || typeof source.data !== 'string') {
    throw new InvalidRequestError(`${path}.source: expected a base64 image source with a data string`);
  }
  const bytes = stripDataPrefix(source.data);
  const info = bytes === '' ? undefined : sniffBase64Image(bytes);
  if (info === undefined) {
    throw new InvalidRequestError(`${path}.source.data: not a valid base64 PNG, JPEG, GIF or WebP image`);
  }
  if (typeof source.media_type === 'string' && source.media_type.toLowerCase() !== info.mediaType) {
    warnings.push(
      `${path}: media_type ${quoteInput(source.media_type)} corrected to ${info.mediaType} from the image bytes`,
    );
  }
  return { format: FORMATS[info.mediaType], source: { bytes } };
}

function stripDataPrefix(data: string): string {
  const comma = data.startsWith('data:') ? data.indexOf(',') : -1;
  const payload = comma >= 0 ? data.slice(comma + 1) : data;
  return /\s/.test(payload) ? payload.replace(/\s+/g, '') : payload;
}
