import { GraphQLError } from 'graphql';
import { languageOf } from '@shagym/contracts';
import { badUserInput, DateTimeScalar, ERROR_CODES, forbidden, requireIdentity, type ComplaintAccess, type Identity } from '@shagym/service-kit';
import { recipientKeyOf } from '../domain/complaint-file';
import { DOCUMENT_KINDS, documentLanguage, signGrant } from '../domain/document-link';
import { unavailableReason } from '../domain/documents';
import { effectivePreferences, type Preferences } from '../domain/messages';
import { renderDescription, renderTitle } from '../domain/timeline';
import { DOCUMENTS_PREFIX } from '../documents/route';
import type { ComplaintFileRepository } from '../store/complaint-files';
import type { DeliveryRepository } from '../store/delivery-repository';
import type { InboxRepository } from '../store/inbox-repository';
import type { PreferencesRepository } from '../store/preferences-repository';
import type { TimelineRepository } from '../store/timeline-repository';
import type { RequestContext } from '../context';
import type { NotificationPreferences, Resolvers } from './__generated__/resolvers-types';

export interface ResolverDeps {
  /** Who may see a complaint (R11): the shared holder projection (service-kit, issue 15). */
  access: Pick<ComplaintAccess, 'authorize' | 'holder'>;
  timeline: TimelineRepository;
  files: ComplaintFileRepository;
  inbox: InboxRepository;
  preferences: PreferencesRepository;
  deliveries: DeliveryRepository;
  documents: {
    secret: string;
    ttlSeconds: number;
    /** Where clients reach this service's /documents route; else taken from the request's Host. */
    baseUrl?: string;
  };
  /**
   * Until the gateway forwards signed identities (issue 8), an anonymous caller may read a
   * timeline outside production; a signed-in caller is always held to R11 (only theirs).
   */
  anonymousTimeline: boolean;
}


const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;
/** Kazakhstan mobile numbers in E.164 (+7 7xx …) or any E.164 number. */
const PHONE = /^\+[1-9]\d{9,14}$/;

/** The signed-in recipient's inbox key, or FORBIDDEN for a caller that has no inbox (e.g. an agency client). */
function me(identity: Identity | null): string {
  const key = recipientKeyOf(requireIdentity(identity));
  if (!key) throw forbidden('this caller has no personal cabinet (citizen, company or official only)');
  return key;
}

const isForbidden = (err: unknown) => err instanceof GraphQLError && err.extensions['code'] === ERROR_CODES.FORBIDDEN;

const clamp = (n: number | null | undefined, max = 200) => Math.max(1, Math.min(n ?? 50, max));

export function createResolvers(deps: ResolverDeps): Resolvers {
  /** The complaint's file, read once per request however many fields ask (request-scoped DataLoader). */
  const fileOf = (complaintId: string, ctx: RequestContext) => ctx.loaders.load('notification.file', complaintId, (id) => deps.files.find(id));
  const timelineOf = (complaintId: string, ctx: RequestContext) => ctx.loaders.load('notification.timeline', complaintId, (id) => deps.timeline.forComplaint(id));
  const unreadOf = (key: string, ctx: RequestContext) => ctx.loaders.load('notification.unread', key, (k) => deps.inbox.unreadCount(k));

  /**
   * R11: the caller may see this complaint (or UNAUTHENTICATED / FORBIDDEN), decided by the
   * shared holder projection as in every subgraph, so the bodies it was forwarded to (R18) read
   * it too. Once per request and complaint however many fields ask. The complaints of a list
   * (myComplaints, myNotifications) are authorized together: the projection's cache serves most,
   * and the slot reads of the rest go out as one `{_id: {$in}}` read (service-kit pointReader).
   */
  const authorized = (complaintId: string, ctx: RequestContext) =>
    ctx.loaders.load('notification.access', complaintId, async (id) => {
      try {
        await deps.access.authorize(ctx.identity, id);
        return true;
      } catch (err) {
        // A complaint none of whose events has arrived yet has nothing to show: empty, as
        // before the projection, rather than refused (re-read only on a refusal).
        if (ctx.identity && isForbidden(err) && !(await deps.access.holder(id))) return false;
        throw err;
      }
    });

  /** The timeline may be shown: anonymous callers only where a deployment allows it. */
  async function visible(complaintId: string, ctx: RequestContext): Promise<boolean> {
    if (!ctx.identity && deps.anonymousTimeline) return true;
    return authorized(complaintId, ctx);
  }

  async function preferencesOf(key: string): Promise<Preferences> {
    const stored = await deps.preferences.latest(key);
    if (stored) return stored;
    const [latest] = await deps.files.complaintIdsOf(key, 1);
    return effectivePreferences(key, null, latest ? await deps.files.find(latest) : null);
  }

  const toGql = (p: Preferences): NotificationPreferences => ({
    email: p.email ?? null,
    phone: p.phone ?? null,
    emailEnabled: p.emailEnabled,
    smsEnabled: p.smsEnabled,
    language: p.language,
  });

  return {
    DateTime: DateTimeScalar,
    Language: { RU: 'ru', KK: 'kk', EN: 'en' },
    Complaint: {
      __resolveReference: (ref) => ({ id: ref.id }),
      timeline: async (complaint, _args, ctx) => ((await visible(complaint.id, ctx)) ? timelineOf(complaint.id, ctx) : []),
      documents: async (complaint, { language }, ctx) => {
        // Documents carry personal data: always a signed-in caller allowed to see the complaint.
        requireIdentity(ctx.identity);
        if (!(await authorized(complaint.id, ctx))) return [];
        const file = await fileOf(complaint.id, ctx);
        if (!file) return [];
        const lang = documentLanguage(languageOf(language));
        const expiresAt = Math.floor(Date.now() / 1000) + deps.documents.ttlSeconds;
        const base = deps.documents.baseUrl ?? `http://${ctx.headers.host ?? '127.0.0.1'}`;
        return DOCUMENT_KINDS.filter((kind) => !unavailableReason(kind, file)).map((kind) => ({
          kind: kind,
          language: lang,
          url: `${base.replace(/\/$/, '')}${DOCUMENTS_PREFIX}${signGrant({ complaintId: file.id, kind, language: lang, expiresAt }, deps.documents.secret)}`,
          expiresAt: new Date(expiresAt * 1000).toISOString(),
        }));
      },
    },
    TimelineEntry: {
      title: (entry, { language }) => renderTitle(entry, languageOf(language)),
      description: (entry, { language }) => renderDescription(entry, languageOf(language)),
    },
    Query: {
      myComplaints: async (_root, { first }, ctx) => {
        const ids = await deps.files.complaintIdsOf(me(ctx.identity), clamp(first));
        return ids.map((id) => ({ id }));
      },
      myNotifications: async (_root, { unreadOnly, first }, ctx) => {
        const items = await deps.inbox.list(me(ctx.identity), { unreadOnly: unreadOnly ?? false, first: clamp(first) });
        const deliveries = await deps.deliveries.viewsOf(items);
        return items.map((item) => ({
          id: item.id,
          complaint: { id: item.complaintId },
          message: item.entry,
          read: item.readAt !== null,
          readAt: item.readAt,
          deliveries: (deliveries.get(item.id) ?? []).map((d) => ({
            channel: d.channel,
            to: d.to,
            status: d.status,
            attempts: d.attempts,
            lastError: d.lastError,
            reason: d.reason,
            finishedAt: d.finishedAt,
          })),
        }));
      },
      myUnreadCount: (_root, _args, ctx) => unreadOf(me(ctx.identity), ctx),
      myNotificationPreferences: async (_root, _args, ctx) => toGql(await preferencesOf(me(ctx.identity))),
    },
    Mutation: {
      markNotificationsRead: async (_root, { ids }, ctx) => {
        const key = me(ctx.identity);
        const marked = await deps.inbox.markRead(key, ids ?? null, new Date());
        return { marked, unreadCount: await deps.inbox.unreadCount(key) };
      },
      setMyNotificationPreferences: async (_root, { input }, ctx) => {
        const key = me(ctx.identity);
        const email = input.email?.trim() || undefined;
        const phone = input.phone?.replace(/[\s()-]/g, '') || undefined;
        const problems = [
          ...(email && !EMAIL.test(email) ? [{ field: 'input.email', message: 'not an e-mail address' }] : []),
          ...(phone && !PHONE.test(phone) ? [{ field: 'input.phone', message: 'expected an international number, e.g. +77011234567' }] : []),
          ...(input.emailEnabled && !email ? [{ field: 'input.email', message: 'required when e-mail is enabled' }] : []),
          ...(input.smsEnabled && !phone ? [{ field: 'input.phone', message: 'required when SMS is enabled' }] : []),
        ];
        if (problems.length) throw badUserInput(problems);
        const prefs: Preferences = {
          recipientKey: key,
          ...(email ? { email } : {}),
          ...(phone ? { phone } : {}),
          emailEnabled: input.emailEnabled,
          smsEnabled: input.smsEnabled,
          language: languageOf(input.language),
        };
        await deps.preferences.save(prefs, new Date());
        return toGql(prefs);
      },
    },
  };
}
