import { imageSize } from 'image-size';

export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export interface ImageInfo {
  mediaType: ImageMediaType;
  width: number;
  height: number;
}

const MEDIA_TYPES: Record<string, ImageMediaType> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** Reads the real format and size from the bytes; undefined when they are not PNG, JPEG, GIF or WebP. */
export function sniffImage(bytes: Uint8Array): ImageInfo | undefined {
  try {
    const result = imageSize(bytes);
    const mediaType = result.type === undefined ? undefined : MEDIA_TYPES[result.type];
    if (mediaType === undefined || !result.width || !result.height) return undefined;
    return { mediaType, width: result.width, height: result.height };
  } catch {
    return undefined;
  }
}

/** Decodes base64 (with or without a data: prefix) and sniffs it. */
export function sniffBase64Image(data: string): ImageInfo | undefined {
  const comma = data.startsWith('data:') ? data.indexOf(',') : -1;
  return sniffImage(Buffer.from(comma >= 0 ? data.slice(comma + 1) : data, 'base64'));
}
