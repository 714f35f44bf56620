import { GraphQLError } from 'graphql';
import {
  badUserInput,
  canSeeComplaint,
  conflict,
  DateScalar,
  DateTimeScalar,
  forbidden,
  requireIdentity,
  requireRole,
  type ComplaintAccess,
  type Identity,
} from '@shagym/service-kit';
import type { Complainant } from '@shagym/contracts';
import type { Complaint } from '../domain/complaint';
import type { AttachmentStore } from '../domain/attachment-store';
import { validateAttachments } from '../domain/attachments';
import type { EscalateComplaint } from '../domain/escalate-complaint';
import { canonicalContent, signerMatches, type SignatureVerifier } from '../domain/signature';
import type { Filing, SubmitComplaint, SubmitOutcome } from '../domain/submit-complaint';
import { validateSubmission, type SubmissionInput } from '../domain/submission';
import type { ComplaintRepository } from '../store/complaint-repository';
import type { RequestContext } from '../context';
import type { Resolvers } from './__generated__/resolvers-types';

export interface IntakeDeps {
  access: ComplaintAccess;
  attachments: AttachmentStore;
  complaints: ComplaintRepository;
  submit: SubmitComplaint;
  escalate: EscalateComplaint;
  verifier: SignatureVerifier;
}

function payload(outcome: SubmitOutcome) {
  if (outcome.kind === 'rejected') {
    throw outcome.code === 'CONFLICT' ? conflict(outcome.message, outcome.field) : badUserInput({ field: outcome.field, message: outcome.message });
  }
  return { complaint: outcome.complaint, created: outcome.kind === 'created' };
}

/** The portal files in the signed-in complainant's own name: their ИИН or БИН. */
function requireComplainant(identity: Identity | null, complainant: Complainant): void {
  const caller = requireRole(identity, 'CITIZEN', 'COMPANY');
  const own = complainant.kind === 'INDIVIDUAL' ? caller.iin === complainant.iin : caller.bin === complainant.bin;
  if (!own) throw forbidden('you may file a complaint only in your own name (your ИИН or БИН)');
}

/** Each attachment's content must have been uploaded first (PUT /attachments/<sha256>). */
async function missingUploads(store: AttachmentStore, field: string, list: Array<{ sha256: string }>) {
  const problems = [];
  for (const [i, a] of list.entries()) {
    if (/^[0-9a-f]{64}$/.test(a.sha256) && !(await store.has(a.sha256))) {
      problems.push({ field: `${field}.${i}.sha256`, message: 'no file with this SHA-256 was uploaded (PUT /attachments/<sha256>)' });
    }
  }
  return problems;
}

export function createResolvers(deps: IntakeDeps): Resolvers {
  /** The complaint if the caller may see it (issue 8): intake knows its parties first-hand. */
  const visible = async (identity: Identity | null, complaint: Complaint | null): Promise<Complaint | null> => {
    const caller = requireIdentity(identity);
    if (!complaint) return null;
    const c = complaint.complainant;
    const known = {
      complaintId: complaint.id,
      complainantIin: c.kind === 'INDIVIDUAL' ? c.iin : null,
      complainantBin: c.kind === 'LEGAL_ENTITY' ? c.bin : null,
      organizationIds: [complaint.addresseeOrganizationId],
      executorOfficialIds: [],
    };
    // What intake knows first-hand (the complainant, the addressee) decides most checks without
    // a read; parties only ever grow, so only a refusal needs the learned ones (registered, assigned).
    if (!canSeeComplaint(caller, known)) await deps.access.authorize(caller, complaint.id, known);
    return complaint;
  };
  /** One read per complaint per request, batched with the other complaints of the query. */
  const load = (ctx: RequestContext, id: string) => ctx.loaders.load('intake.complaint', id, (key) => deps.complaints.findById(key));
  return {
    Date: DateScalar,
    DateTime: DateTimeScalar,
    Language: { RU: 'ru', KK: 'kk', EN: 'en' },
    Query: {
      complaint: async (_parent, { id }, ctx) => visible(ctx.identity, await load(ctx, id)),
    },
    Mutation: {
      submitComplaint: async (_parent, { input }, ctx) => {
        requireRole(ctx.identity, 'CITIZEN', 'COMPANY');
        const validated = validateSubmission(input as SubmissionInput);
        const files = validateAttachments('input.attachments', input.attachments);
        files.problems.push(...(await missingUploads(deps.attachments, 'input.attachments', files.attachments)));
        if (!validated.ok || files.problems.length) throw badUserInput([...(validated.ok ? [] : validated.problems), ...files.problems]);
        const cmd = validated.command;
        requireComplainant(ctx.identity, cmd.complainant);
        let signature: Filing['signature'] = null;
        if (input.signature) {
          // R5: the portal's electronic signature over the canonical content, by the complainant.
          const verdict = await deps.verifier.verify(canonicalContent(cmd), input.signature, new Date());
          if (!verdict.ok) throw badUserInput({ field: 'input.signature', message: verdict.reason });
          if (!signerMatches(verdict.signerId, cmd.complainant)) {
            throw badUserInput({ field: 'input.signature', message: 'the signer’s ИИН/БИН is not the complainant’s' });
          }
          signature = { kind: 'ELECTRONIC', signerId: verdict.signerId, certificateSerial: verdict.certificateSerial, algorithm: verdict.algorithm };
        }
        return payload(await deps.submit.execute(cmd, { channel: 'PORTAL', signature, attachments: files.attachments }, ctx.correlationId));
      },
      registerPaperComplaint: async (_parent, { input }, ctx) => {
        const operator = requireRole(ctx.identity, 'OPERATOR');
        if (!operator.organizationId || !operator.officialId) throw forbidden('the operator must belong to a registry office');
        // The paper reached this body's registry office: it is the addressee (R1, R7).
        const validated = validateSubmission({ ...input, addresseeOrganizationId: operator.organizationId } as SubmissionInput);
        const scans = validateAttachments('input.scans', input.scans);
        const problems = [...(validated.ok ? [] : validated.problems), ...scans.problems, ...(await missingUploads(deps.attachments, 'input.scans', scans.attachments))];
        if (!Number.isInteger(input.pages) || input.pages < 1 || input.pages > 1000) problems.push({ field: 'input.pages', message: 'between 1 and 1000' });
        if (input.receivedOn > new Date().toISOString().slice(0, 10)) problems.push({ field: 'input.receivedOn', message: 'cannot be in the future' });
        if (!validated.ok || problems.length) throw badUserInput(problems);
        return payload(
          await deps.submit.execute(
            validated.command,
            {
              channel: input.channel,
              // R5: a missing handwritten signature does not stop intake; it is a reason for refusal (R17).
              signature: input.signedByHand ? { kind: 'HANDWRITTEN' } : null,
              paper: { receivedOn: input.receivedOn, pages: input.pages, operatorOfficialId: operator.officialId },
              attachments: scans.attachments,
            },
            ctx.correlationId,
          ),
        );
      },
      escalateComplaint: async (_parent, { input }, ctx) => {
        const caller = requireIdentity(ctx.identity);
        const text = input.text.trim();
        if (!text || text.length > 20_000) throw badUserInput({ field: 'input.text', message: 'say why you disagree (1–20000 characters)' });
        const outcome = await deps.escalate.execute({ complaintId: input.complaintId, text, ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}) }, caller, ctx.correlationId);
        if (outcome.kind === 'forbidden') throw forbidden(outcome.message);
        if (outcome.kind === 'invalid') throw new GraphQLError(outcome.message, { extensions: { code: 'INVALID_TRANSITION' } });
        return payload(outcome);
      },
    },
    Complaint: {
      __resolveReference: async (ref, ctx) => visible(ctx.identity, await load(ctx, ref.id)),
      attachments: (c) => c.attachments,
    },
    Attachment: {
      id: (a) => a.attachmentId,
    },
    Complainant: {
      __resolveType: (c) => (c.kind === 'INDIVIDUAL' ? 'Individual' : 'LegalEntity'),
    },
  };
}
