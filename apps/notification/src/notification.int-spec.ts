import { createEvent } from '@shagym/contracts';
import type { RunningService } from '@shagym/service-kit';
import { complaintRegistered, complaintSubmitted, entitiesQuery, gql, isolatedEnv, publishEvents, startInProcess, waitFor } from '@shagym/testing';
import { loadNotificationConfig, startNotification } from './app';

describe('notification timeline against the real Kafka and FerretDB (R11)', () => {
  const iso = isolatedEnv('notify');
  let svc: RunningService;

  beforeAll(async () => {
    await iso.createTopics();
    svc = await startInProcess(iso, 'notification', (env) => startNotification(loadNotificationConfig(env)));
  });

  afterAll(async () => {
    await svc?.stop();
    await iso.cleanup();
  });

  it('records each step once, in the order it happened, in the reader’s language', async () => {
    const submitted = complaintSubmitted('org-x');
    const id = submitted.subject;
    const registered = complaintRegistered('org-x', id, new Date(Date.parse(submitted.data.submittedAt) + 1000));
    const deadline = createEvent({
      type: 'deadline.set',
      source: 'deadline',
      subject: id,
      correlationId: registered.correlationId,
      time: new Date(Date.parse(registered.data.registeredAt) + 1000),
      data: { complaintId: id, rule: 'R8', termWorkingDays: 5, startsOn: '2026-11-30', dueOn: '2026-12-07', dueAt: '2026-12-07T18:59:59.999Z' },
    });
    // Late and redelivered: the deadline arrives first, the registration twice.
    await publishEvents(iso.topic('complaints'), [deadline, registered, submitted, registered]);
    const query = entitiesQuery('Complaint', 'timeline { type title(language: KK) description(language: EN) ruTitle: title }');
    const timeline = await waitFor('three entries', async () => {
      const res = await gql(svc.url, query, { representations: [{ __typename: 'Complaint', id }] });
      const entries = res.data?._entities?.[0]?.timeline;
      return entries?.length >= 3 ? entries : undefined;
    });
    await new Promise((r) => setTimeout(r, 500)); // let a duplicate, if any, land
    const again = (await gql(svc.url, query, { representations: [{ __typename: 'Complaint', id }] })).data._entities[0].timeline;
    expect(again).toEqual(timeline);
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['complaint.submitted', 'complaint.registered', 'deadline.set']);
    expect(timeline[1].title).toBe('Шағым тіркелді');
    expect(timeline[1].ruTitle).toBe('Жалоба зарегистрирована'); // the schema's default language
    expect(timeline[1].description).toBe(`Incoming No. ${registered.data.incomingNumber} of ${registered.data.registeredOn.split('-').reverse().join('.')}`);
  });
});
