import { Counter } from 'prom-client';
import { z } from 'zod';
import { ComplaintAccess, DAY_MS, loadConfig, OrganizationProjection, organizationProjectionConsumer, startService, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import { SmsGatewayChannel, SmtpChannel, type ChannelAdapter } from './delivery/channels';
import { DeliveryWorker } from './delivery/worker';
import { documentsRoute } from './documents/route';
import { complaintConsumer } from './events/complaint-consumer';
import { createResolvers } from './graphql/resolvers';
import { ComplaintFileRepository } from './store/complaint-files';
import { DeliveryRepository } from './store/delivery-repository';
import { deliveryRetentionRule } from './store/delivery-retention';
import { InboxRepository } from './store/inbox-repository';
import { NOTIFICATION_HOLDER_MIGRATION, NOTIFICATION_SLOTS_MIGRATION } from './store/migrations';
import { PreferencesRepository } from './store/preferences-repository';
import { TimelineRepository } from './store/timeline-repository';
import type { RequestContext } from './context';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Notification's own settings. Without SMTP_HOST / SMS_GATEWAY_URL those channels are recorded as disabled. */
export const loadNotificationConfig = (env: NodeJS.ProcessEnv = process.env) =>
  loadConfig('notification', env, { PORT: 4005 }, {
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    SMTP_SECURE: bool.default(false),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    SMTP_FROM: z.string().min(3).default('Shagym <noreply@shagym.kz>'),
    SMS_GATEWAY_URL: z.url({ protocol: /^https?$/ }).optional(),
    SMS_GATEWAY_TOKEN: z.string().optional(),
    SMS_SENDER: z.string().min(1).max(11).default('Shagym'),
    /** One attempt's time limit (SMTP dialogue or gateway request). */
    DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    /** First retry after this; doubles with each failed attempt (capped at an hour). */
    DELIVERY_BACKOFF_MS: z.coerce.number().int().positive().default(30_000),
    /** Signs document links; defaults to IDENTITY_SIGNING_SECRET. */
    DOCUMENT_SIGNING_SECRET: z.string().min(16).optional(),
    DOCUMENT_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
    /** Base URL clients reach this service's /documents route at (behind a proxy); else the request's Host. */
    DOCUMENTS_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** allow: anonymous callers may read a timeline (until the gateway forwards identities); default: allow outside production. */
    TIMELINE_ANONYMOUS: z.enum(['allow', 'deny']).optional(),
    /**
     * Age of a finished delivery (its result) after which its intent, attempts and result are
     * pruned (store/delivery-retention.ts). At least 30 days: well past the inbox horizon, so no
     * redelivered cause can plan it again.
     */
    RETENTION_DELIVERY_DAYS: z.coerce.number().int().min(30).default(90),
  });

export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;

/** Notification: the personal-cabinet timeline (R11), messages by inbox, e-mail and SMS, and documents (R7, R9). */
export function startNotification(config = loadNotificationConfig()): Promise<RunningService> {
  return startService<typeof config, RequestContext>({
    name: 'notification',
    config,
    typeDefs,
    // Slots first: the holder facts are seeded from the complaint files' slots.
    migrations: [NOTIFICATION_SLOTS_MIGRATION, NOTIFICATION_HOLDER_MIGRATION],
    async setup({ db, logger, metrics }) {
      const attempts = new Counter({
        name: 'shagym_notification_delivery_attempts_total',
        help: 'Delivery attempts by channel and outcome (delivered, failed, rejected)',
        labelNames: ['channel', 'outcome'],
        registers: [metrics.registry],
      });
      const timeline = new TimelineRepository(db);
      const files = new ComplaintFileRepository(db);
      const inbox = new InboxRepository(db);
      const preferences = new PreferencesRepository(db);
      const deliveries = new DeliveryRepository(db);
      const organizations = new OrganizationProjection(db);
      // Who may see a complaint (R11), decided as in every subgraph; fed by the timeline's consumer.
      const access = new ComplaintAccess(db);
      const channels: { EMAIL?: ChannelAdapter; SMS?: ChannelAdapter } = {};
      if (config.SMTP_HOST) {
        channels.EMAIL = new SmtpChannel({
          host: config.SMTP_HOST,
          port: config.SMTP_PORT,
          secure: config.SMTP_SECURE,
          ...(config.SMTP_USER ? { user: config.SMTP_USER } : {}),
          ...(config.SMTP_PASSWORD ? { password: config.SMTP_PASSWORD } : {}),
          from: config.SMTP_FROM,
          timeoutMs: config.DELIVERY_TIMEOUT_MS,
        });
      }
      if (config.SMS_GATEWAY_URL) {
        channels.SMS = new SmsGatewayChannel({
          url: config.SMS_GATEWAY_URL,
          ...(config.SMS_GATEWAY_TOKEN ? { token: config.SMS_GATEWAY_TOKEN } : {}),
          sender: config.SMS_SENDER,
          timeoutMs: config.DELIVERY_TIMEOUT_MS,
        });
      }
      logger.info({ email: Boolean(channels.EMAIL), sms: Boolean(channels.SMS) }, 'delivery channels');
      const worker = new DeliveryWorker(
        deliveries,
        channels,
        {
          maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
          backoffMs: config.DELIVERY_BACKOFF_MS,
          attemptTimeoutMs: config.DELIVERY_TIMEOUT_MS * 4,
          maxAgeMs: 2 * 86_400_000,
          batchSize: 100,
        },
        logger,
        (channel, outcome) => attempts.inc({ channel, outcome }),
      );
      const secret = config.DOCUMENT_SIGNING_SECRET ?? config.IDENTITY_SIGNING_SECRET;
      // Anonymous callers never see a timeline unless a deployment explicitly allows it (demos).
      const anonymousTimeline = config.TIMELINE_ANONYMOUS === 'allow';
      return {
        resolvers: createResolvers({
          access,
          timeline,
          files,
          inbox,
          preferences,
          deliveries,
          documents: { secret, ttlSeconds: config.DOCUMENT_URL_TTL_SECONDS, ...(config.DOCUMENTS_BASE_URL ? { baseUrl: config.DOCUMENTS_BASE_URL } : {}) },
          anonymousTimeline,
        }),
        consumers: [
          complaintConsumer({
            access,
            timeline,
            files,
            inbox,
            preferences,
            deliveries,
            configured: { EMAIL: Boolean(channels.EMAIL), SMS: Boolean(channels.SMS) },
            deliver: (intent) => worker.enqueue(intent),
            organizationName: async (id) => (await organizations.find(id))?.name ?? null,
          }),
          organizationProjectionConsumer('notification', organizations),
        ],
        models: [timeline.model, ...files.models, ...inbox.models, preferences.model, ...deliveries.models, organizations.model, access.model],
        routes: [documentsRoute({ files, organizations, secret, logger })],
        retention: [deliveryRetentionRule(deliveries, config.RETENTION_DELIVERY_DAYS * DAY_MS)],
        // With no channel configured every intent is recorded DISABLED when planned: nothing to deliver.
        // Awaited: the worker's load of open deliveries is a start-up read (before readiness).
        onStarted: async () => {
          if (channels.EMAIL || channels.SMS) await worker.start();
        },
        onStop: () => worker.stop(),
      };
    },
  });
}
