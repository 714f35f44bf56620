import { sendJson, type HttpRoute, type Logger, type OrganizationProjection } from '@shagym/service-kit';
import { documentContent, unavailableReason } from '../domain/documents';
import { verifyGrant } from '../domain/document-link';
import type { ComplaintFileRepository } from '../store/complaint-files';
import { renderPdf } from './pdf';

export const DOCUMENTS_PREFIX = '/documents/';

/**
 * GET /documents/<signed token>: the PDF the token grants. The token is the authorization
 * (issued by the graph only to those allowed to see the complaint, and short-lived), so the
 * link works from a browser that holds no session.
 */
export function documentsRoute(deps: { files: ComplaintFileRepository; organizations: OrganizationProjection; secret: string; logger: Logger }): HttpRoute {
  return {
    prefix: DOCUMENTS_PREFIX,
    async handle(req, res, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });
      const token = decodeURIComponent(path.slice(DOCUMENTS_PREFIX.length));
      const verified = verifyGrant(token, deps.secret, Math.floor(Date.now() / 1000));
      if (!verified.ok) {
        const status = verified.reason === 'expired' ? 410 : 403;
        return sendJson(res, status, { error: verified.reason === 'expired' ? 'link expired: ask the graph for a new one' : 'invalid link' });
      }
      const { complaintId, kind, language } = verified.grant;
      const file = await deps.files.find(complaintId);
      const unavailable = file ? unavailableReason(kind, file) : 'unknown complaint';
      if (!file || unavailable) return sendJson(res, 404, { error: unavailable });
      const orgId = kind === 'REGISTRATION_RECEIPT' ? file.registration?.organizationId : (file.reply?.organizationId ?? file.registration?.organizationId);
      const org = orgId ? await deps.organizations.find(orgId) : null;
      const content = documentContent(kind, file, org?.name ?? null, language);
      const pdf = await renderPdf(content);
      deps.logger.info({ complaintId, kind, language, bytes: pdf.length }, 'document rendered');
      res.statusCode = 200;
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('content-length', String(pdf.length));
      res.setHeader('cache-control', 'private, no-store');
      res.setHeader('content-disposition', `inline; filename="${content.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
      res.end(req.method === 'HEAD' ? undefined : pdf);
    },
  };
}
