import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ComplaintAccess, loadConfig, OrganizationProjection, organizationProjectionConsumer, startService, type RunningService } from '@shagym/service-kit';
import { replyConsumer } from './events/reply-consumer';
import typeDefs from './schema.graphql';
import { EscalateComplaint } from './domain/escalate-complaint';
import { SubmitComplaint } from './domain/submit-complaint';
import { createResolvers } from './graphql/resolvers';
import { FolderAttachmentStore } from './attachments/folder-store';
import { uploadRoute } from './attachments/upload-route';
import { X509SignatureVerifier } from './signature/x509-verifier';
import { ComplaintRepository } from './store/complaint-repository';
import { INTAKE_MIGRATIONS, IntakeFactsRepository } from './store/intake-facts';
import type { RequestContext } from './context';

/** The TEST certification authority, trusted outside production only (signature/README.md). */
const TEST_CA = join(process.cwd(), 'apps', 'intake', 'src', 'signature', 'test-pki', 'ca.pem');

export const loadIntakeConfig = (env: NodeJS.ProcessEnv = process.env) =>
  loadConfig('intake', env, { PORT: 4001 }, {
    /** Comma-separated PEM files of the certification authorities whose signatures are accepted (R5). */
    SIGNATURE_TRUSTED_CA_FILES: z.string().default(''),
    /** Folder for attachment content (content-addressed); default under the data folder. */
    ATTACHMENTS_DIR: z.string().default(join(process.env.INFRA_DATA_DIR ?? join(process.cwd(), '.data'), 'attachments')),
  });

function trustedCas(config: ReturnType<typeof loadIntakeConfig>): string[] {
  const files = config.SIGNATURE_TRUSTED_CA_FILES.split(',').map((f) => f.trim()).filter(Boolean);
  if (!files.length && config.NODE_ENV !== 'production' && existsSync(TEST_CA)) files.push(TEST_CA);
  return files.map((f) => readFileSync(f, 'utf8'));
}

/** Intake: what the complainant filed, through every channel (R1, R3–R6, R12). */
export function startIntake(config = loadIntakeConfig()): Promise<RunningService> {
  return startService<typeof config, RequestContext>({
    name: 'intake',
    config,
    typeDefs,
    // Matters and reply facts re-keyed for reads by _id (architecture.md, key-first).
    migrations: INTAKE_MIGRATIONS,
    async setup({ db, eventLog, emit }) {
      const directory = new OrganizationProjection(db);
      const complaints = new ComplaintRepository(eventLog);
      const facts = new IntakeFactsRepository(db);
      const access = new ComplaintAccess(db);
      const attachments = new FolderAttachmentStore(config.ATTACHMENTS_DIR);
      const submit = new SubmitComplaint({
        findAddressee: (id) => directory.find(id),
        findComplaint: (id) => complaints.findById(id),
        findSameMatter: (who, org, matter) => facts.earliestSameMatter(who, org, matter),
        rememberMatter: (id, who, org, matter) => facts.rememberMatter(id, who, org, matter),
        emit: (event) => emit(event),
      });
      const escalate = new EscalateComplaint(
        {
          findComplaint: (id) => complaints.findById(id),
          findAddressee: (id) => directory.find(id),
          authorizedBodyFor: (region) => directory.findByKindAndRegion('AUTHORIZED_BODY', region),
          wasReplied: (id) => facts.wasReplied(id),
          escalationOf: (id) => complaints.escalationOf(id),
          emit: (event) => emit(event),
        },
        submit,
      );
      return {
        resolvers: createResolvers({ access, attachments, complaints, submit, escalate, verifier: new X509SignatureVerifier(trustedCas(config)) }),
        consumers: [
          organizationProjectionConsumer('intake', directory),
          access.consumer('intake'),
          replyConsumer(facts),
        ],
        models: [directory.model, ...facts.models, access.model],
        routes: [uploadRoute(attachments, config.IDENTITY_SIGNING_SECRET)],
        // Ready to take complaints once it knows whom they can be addressed to.
        readiness: async () => ({ directory: await directory.hasAny() }),
      };
    },
  });
}
