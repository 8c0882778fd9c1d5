import { InvalidRequestError } from '../../shared/errors.js';

interface DocumentLike {
  source?: unknown;
  title?: unknown;
  context?: unknown;
}

interface DocumentSourceLike {
  type?: unknown;
  media_type?: unknown;
  data?: unknown;
  content?: unknown;
}

/**
 * A document block → text in a `<document title="…">` wrapper. Plain-text sources (`text`, `content`,
 * base64 `text/*`) are inlined; PDFs, URLs and Files-API documents cannot be read here and are rejected with the field path.
 */
export function convertDocument(block: DocumentLike, path: string): string {
  const source = (block.source ?? {}) as DocumentSourceLike;
  const mediaType = typeof source.media_type === 'string' ? source.media_type.toLowerCase() : '';
  let text: string;
  if (source.type === 'text' && typeof source.data === 'string') {
    text = source.data;
  } else if (source.type === 'content') {
    text = contentText(source.content);
  } else if (source.type === 'base64' && mediaType.startsWith('text/') && typeof source.data === 'string') {
    text = Buffer.from(source.data, 'base64').toString('utf8');
  } else if (source.type === 'base64' && mediaType === 'application/pdf') {
    throw new InvalidRequestError(
      `${path}.source: PDF documents are not supported through Kiro; extract the text and send it as a text block`,
    );
  } else if (source.type === 'url' || source.type === 'file') {
    throw new InvalidRequestError(
      `${path}.source: document ${source.type === 'url' ? 'URLs' : 'files'} are not supported through Kiro; send the text inline`,
    );
  } else {
    throw new InvalidRequestError(
      `${path}.source: unsupported document source; send plain text or a text block`,
    );
  }
  const title =
    typeof block.title === 'string' && block.title !== '' ? ` title=${JSON.stringify(block.title)}` : '';
  const context = typeof block.context === 'string' && block.context !== '' ? `${block.context}\n\n` : '';
  return `<document${title}>\n${context}${text}\n</document>`;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((item) => (item as { text?: unknown } | null)?.text)
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
}
