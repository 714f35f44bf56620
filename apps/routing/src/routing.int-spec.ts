import { decodeEvent, type DomainEvent } from '@shagym/contracts';
import type { RunningService } from '@shagym/service-kit';
import { complaintRegistered, entitiesQuery, gql, isolatedEnv, publishEvents, readTopic, startInProcess, waitFor } from '@shagym/testing';
import { loadRoutingConfig, startRouting } from './app';
import seed from './seed/directory.json';

describe('routing against the real Kafka and FerretDB', () => {
  const iso = isolatedEnv('routing');
  let svc: RunningService;

  beforeAll(async () => {
    await iso.createTopics();
    svc = await startInProcess(iso, 'routing', (env) => startRouting(loadRoutingConfig(env)));
  });

  afterAll(async () => {
    await svc?.stop();
    await iso.cleanup();
  });

  it('loads the seeded directory and publishes every organization for the others to project', async () => {
    const res = await gql(svc.url, `{ organizations(region: "MANGYSTAU", kind: PSC) { id code name(language: KK) head { fullName } } }`);
    expect(res.data.organizations.map((o: { id: string }) => o.id)).toEqual(['org-psc-aktau', 'org-psc-zhanaozen']);
    expect(res.data.organizations[0].name).toBe('Ақтау қаласының халыққа қызмет көрсету орталығы');
    // Without the argument, the schema's default language (RU) applies.
    const byDefault = await gql(svc.url, `{ organization(id: "org-psc-aktau") { name head { position } } }`);
    expect(byDefault.data.organization).toEqual({ name: 'Центр обслуживания населения города Актау', head: { position: 'Руководитель ЦОН' } });
    const published = await readTopic(iso.topic('directory'), seed.organizations.length);
    const ids = published.map((m) => decodeEvent(m.value)).flatMap((d) => (d.ok ? [d.event.subject] : []));
    expect(new Set(ids)).toEqual(new Set(seed.organizations.map((o) => o.id)));
  });

  it('routes a registered complaint to the head of the addressed organization (R2) exactly once', async () => {
    const registered = complaintRegistered('org-psc-aktau');
    await publishEvents(iso.topic('complaints'), [registered, registered]);
    const query = entitiesQuery('Complaint', 'assignment { executor { id fullName position(language: EN) organization { code } } assignedBy { id } }');
    const assignment = await waitFor('assignment', async () => {
      const res = await gql(svc.url, query, { representations: [{ __typename: 'Complaint', id: registered.subject }] });
      return res.data?._entities?.[0]?.assignment;
    });
    expect(assignment).toEqual({
      executor: { id: 'off-aktau-head', fullName: 'Утепова Гульнара Сериковна', position: 'Head of the PSC', organization: { code: 'PSCAKT' } },
      assignedBy: { id: 'off-aktau-head' },
    });
    const events = (await readTopic(iso.topic('complaints'), 3, 5_000))
      .map((m) => decodeEvent(m.value))
      .flatMap((d) => (d.ok ? [d.event as DomainEvent] : []))
      .filter((e) => e.type === 'complaint.assigned' && e.subject === registered.subject);
    expect(events).toHaveLength(1);
    expect(events[0]!.causationId).toBe(registered.id);
    expect(events[0]!.correlationId).toBe(registered.correlationId);
  });
});
