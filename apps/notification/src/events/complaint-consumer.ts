import type { DomainEvent, LocalizedText } from '@shagym/contracts';
import { HOLDER_EVENT_TYPES, type ComplaintAccess, type ConsumerSpec } from '@shagym/service-kit';
import { toFact } from '../domain/complaint-file';
import { complainantMessage, effectivePreferences, officialMessages, officialsToTell, planDeliveries, type DeliveryIntent, type ExternalChannel, type InboxMessage } from '../domain/messages';
import { isTimelineEvent, organizationNamedBy, TIMELINE_EVENT_TYPES, toTimelineEntry } from '../domain/timeline';
import type { ComplaintFileRepository } from '../store/complaint-files';
import type { DeliveryRepository } from '../store/delivery-repository';
import type { InboxRepository } from '../store/inbox-repository';
import type { PreferencesRepository } from '../store/preferences-repository';
import type { TimelineRepository } from '../store/timeline-repository';

export interface ConsumerDeps {
  timeline: TimelineRepository;
  /** The shared holder projection (service-kit, issue 15) the resolvers' access rule reads (R11). */
  access: Pick<ComplaintAccess, 'learn'>;
  files: ComplaintFileRepository;
  inbox: InboxRepository;
  preferences: PreferencesRepository;
  deliveries: DeliveryRepository;
  /** Which external channels are configured (the others are recorded as disabled). */
  configured: Record<ExternalChannel, boolean>;
  /** Hands a written intent to the delivery worker's queue; the consumer itself never sends anything. */
  deliver: (intent: DeliveryIntent) => void;
  /** The directory's names of organizations (the projection of `organization.upserted`). */
  organizationName: (organizationId: string) => Promise<LocalizedText | null>;
  now?: () => Date;
}

/**
 * Every step of the complaint becomes one timeline entry (R11), a message in the inbox of
 * whoever must hear of it (the complainant; the appointed executor, R2) and delivery intents
 * for the channels they chose. Only inserts keyed by event id, so a redelivered event adds
 * nothing; nothing here waits for an SMTP server or an SMS gateway.
 *
 * The holder projection (service-kit ComplaintAccess: who may see the complaint, R11, R18) is
 * fed here too, first in each event's handling, rather than by a group of its own (as
 * registry does): before a step reaches the timeline or anyone's inbox, the access rule
 * already knows who holds the complaint after it — the head of the body it was forwarded to
 * (R18) is never told of it yet refused its timeline — and a retried event retries both.
 */
export function complaintConsumer(deps: ConsumerDeps): ConsumerSpec {
  const now = deps.now ?? (() => new Date());

  async function handle(event: DomainEvent): Promise<void> {
    // A no-op for events that say nothing of who holds the complaint (service-kit factOf).
    await deps.access.learn(event);
    const fact = toFact(event);
    if (fact) await deps.files.add(fact);
    if (!isTimelineEvent(event)) return;
    const named = organizationNamedBy(event);
    const name = named ? await deps.organizationName(named) : null;
    const entry = toTimelineEntry(event, () => name);
    await deps.timeline.add(entry);
    const file = await deps.files.findOwned(event.subject);
    if (!file) return;
    // A step that arrived before the submission is told to the complainant once they are known.
    const entries = event.type === 'complaint.submitted' ? await deps.timeline.forComplaint(event.subject) : [entry];
    const messages = [
      ...entries.map((e) => complainantMessage(e, file, now())).filter((m): m is InboxMessage => m !== null),
      ...officialMessages(entry, officialsToTell(event, file), now()),
    ];
    const reference = file.registration?.incomingNumber ?? file.id;
    const tell = async (message: InboxMessage) => {
      const [, latest] = await Promise.all([deps.inbox.add(message), deps.preferences.latest(message.recipientKey)]);
      const prefs = effectivePreferences(message.recipientKey, latest, file);
      for (const intent of planDeliveries(message, prefs, deps.configured, reference, now())) {
        await deps.deliveries.addIntent(intent);
        // Stored first: a crash before the send leaves it for the worker's start-up load.
        if (!intent.disabledReason) deps.deliver(intent);
      }
    };
    // Recipients at once (their reads go out together: service-kit pointReader); one
    // recipient's messages in order, so that their inbox keeps the order of the steps.
    const byRecipient = new Map<string, InboxMessage[]>();
    for (const m of messages) byRecipient.set(m.recipientKey, [...(byRecipient.get(m.recipientKey) ?? []), m]);
    await Promise.all(
      [...byRecipient.values()].map(async (mine) => {
        for (const message of mine) await tell(message);
      }),
    );
  }

  // Every holder event type is handled even if it ever leaves the timeline: the access rule needs it.
  const types = [...new Set<string>([...TIMELINE_EVENT_TYPES, ...HOLDER_EVENT_TYPES])];
  const handlers = Object.fromEntries(types.map((t) => [t, handle])) as ConsumerSpec['handlers'];
  return {
    group: 'notification.timeline',
    topics: ['complaints'],
    handlers,
    // R11: the answer or refusal that stops the term is on the timeline itself; "met or missed" is
    // not told; nor does a stopped term change who holds the complaint (service-kit HOLDER_IGNORED_EVENT_TYPES).
    ignores: ['deadline.stopped'],
    onAssignmentChange: () => deps.files.forgetAll(),
  };
}
