import type { IncomingMessage } from 'node:http';
import { identityFromHeaders, sendJson, type HttpRoute } from '@shagym/service-kit';
import { ATTACHMENT_LIMITS } from '../domain/attachments';
import type { AttachmentStore } from '../domain/attachment-store';

/**
 * `PUT /attachments/<sha256>` with the file as the body: the content behind an attachment's
 * metadata. Signed-in callers only (complainants and registry offices); the hash must match.
 * The complaint then names the file by its SHA-256 (intake checks it was uploaded).
 */
export function uploadRoute(store: AttachmentStore, identitySecret: string): HttpRoute {
  return {
    prefix: '/attachments/',
    async handle(req, res, path) {
      const sha256 = path.slice('/attachments/'.length);
      if (req.method !== 'PUT') return sendJson(res, 405, { error: 'use PUT' });
      if (!/^[0-9a-f]{64}$/.test(sha256)) return sendJson(res, 400, { error: 'the path must be the file’s SHA-256', code: 'BAD_USER_INPUT' });
      let identity;
      try {
        identity = identityFromHeaders(req.headers, identitySecret);
      } catch {
        identity = null;
      }
      if (!identity || !identity.roles.some((r) => r === 'CITIZEN' || r === 'COMPANY' || r === 'OPERATOR')) {
        return sendJson(res, identity ? 403 : 401, { error: 'sign in as a complainant or a registry office', code: identity ? 'FORBIDDEN' : 'UNAUTHENTICATED' });
      }
      const body = await readLimited(req, ATTACHMENT_LIMITS.sizeBytes);
      if (!body) return sendJson(res, 413, { error: `at most ${ATTACHMENT_LIMITS.sizeBytes} bytes`, code: 'PAYLOAD_TOO_LARGE' });
      if (!(await store.put(sha256, body))) return sendJson(res, 400, { error: 'the content does not hash to the given SHA-256', code: 'BAD_USER_INPUT' });
      return sendJson(res, 201, { sha256, sizeBytes: body.length });
    },
  };
}

function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
