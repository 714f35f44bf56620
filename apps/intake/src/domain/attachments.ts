import { createHash } from 'node:crypto';
import type { AttachmentMeta } from './complaint';
import type { Problem } from './submission';

export const ATTACHMENT_LIMITS = {
  count: 20,
  sizeBytes: 10 * 1024 * 1024,
  mediaTypes: ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'],
} as const;

export interface AttachmentInput {
  name: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

/** Checks attachments' metadata against the limits; the id derives from the content hash. */
export function validateAttachments(field: string, list: AttachmentInput[] | null | undefined): { attachments: AttachmentMeta[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const items = list ?? [];
  if (items.length > ATTACHMENT_LIMITS.count) problems.push({ field, message: `at most ${ATTACHMENT_LIMITS.count} files` });
  const attachments = items.slice(0, ATTACHMENT_LIMITS.count).map((a, i) => {
    const f = `${field}.${i}`;
    const name = a.name.trim();
    // eslint-disable-next-line no-control-regex -- control characters make no file name
    if (!name || name.length > 255 || /[/\\\u0000-\u001f]/.test(name)) problems.push({ field: `${f}.name`, message: 'a file name of 1–255 characters without slashes' });
    if (!(ATTACHMENT_LIMITS.mediaTypes as readonly string[]).includes(a.mediaType)) problems.push({ field: `${f}.mediaType`, message: `one of ${ATTACHMENT_LIMITS.mediaTypes.join(', ')}` });
    if (!Number.isInteger(a.sizeBytes) || a.sizeBytes < 1 || a.sizeBytes > ATTACHMENT_LIMITS.sizeBytes) problems.push({ field: `${f}.sizeBytes`, message: `between 1 byte and ${ATTACHMENT_LIMITS.sizeBytes / 1024 / 1024} MiB` });
    if (!/^[0-9a-f]{64}$/.test(a.sha256)) problems.push({ field: `${f}.sha256`, message: 'the SHA-256 of the content, 64 hex digits' });
    return { attachmentId: createHash('sha256').update(`${a.sha256}:${name}`).digest('hex').slice(0, 32), name, mediaType: a.mediaType, sizeBytes: a.sizeBytes, sha256: a.sha256 };
  });
  return { attachments, problems };
}
