import { z } from 'zod';
import { id, localizedText } from './common';

export const ORGANIZATION_KINDS = ['MINISTRY', 'SERVICE_PROVIDER', 'PSC', 'AUTHORIZED_BODY', 'AKIMAT_DEPARTMENT'] as const;

/** The directory owned by routing, published so that other services keep projections. */
export const organizationUpsertedV1 = z.object({
  organizationId: id,
  code: z.string().regex(/^[A-Z0-9]{2,12}$/),
  kind: z.enum(ORGANIZATION_KINDS),
  name: localizedText,
  region: z.string().min(1),
  parentId: id.optional(),
  /** Whether the body accepts complaints addressed to its head (R1). */
  acceptsComplaints: z.boolean(),
});
