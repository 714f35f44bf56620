import type { DomainEvent } from '@shagym/contracts';
import { PermanentError } from '@shagym/service-kit';
import { AssignOnRegistration } from './assignment';
import type { Official } from './directory';

const registered = {
  id: '6f1c1c43-8a8a-4a57-9c1b-1d8a4b0c2f11',
  type: 'complaint.registered',
  version: 1,
  source: 'registry',
  time: '2026-11-30T05:00:00.000Z',
  subject: 'c-1',
  correlationId: 'corr-1',
  data: {
    complaintId: 'c-1',
    organizationId: 'org-1',
    organizationCode: 'ORG',
    incomingNumber: 'ORG-2026-00001',
    year: 2026,
    sequence: 1,
    registeredAt: '2026-11-30T05:00:00.000Z',
    registeredOn: '2026-11-30',
    channel: 'PORTAL',
  },
} as DomainEvent<'complaint.registered'>;

const official = (id: string, roles: Official['roles'], active = true): Official => ({
  id,
  organizationId: 'org-1',
  fullName: id,
  position: { ru: 'р', kk: 'к', en: 'e' },
  roles,
  active,
});

describe('AssignOnRegistration (R2)', () => {
  it('routes the complaint to the active head of the addressed organization', async () => {
    const emitted: DomainEvent[] = [];
    const useCase = new AssignOnRegistration({
      officialsOf: async () => [official('exec', ['EXECUTOR']), official('old-head', ['HEAD'], false), official('head', ['HEAD'])],
      emit: async (e) => emitted.push(e),
    });
    const event = await useCase.execute(registered, new Date('2026-11-30T05:00:01Z'));
    expect(event.data.executor.officialId).toBe('head');
    expect(event.causationId).toBe(registered.id);
    expect(emitted).toHaveLength(1);
  });

  it('derives the event id from the registration, so a redelivery appends nothing new', async () => {
    const ids: string[] = [];
    const useCase = new AssignOnRegistration({ officialsOf: async () => [official('head', ['HEAD'])], emit: async (e) => ids.push(e.id) });
    await useCase.execute(registered);
    await useCase.execute(registered);
    expect(ids[0]).toBe(ids[1]);
  });

  it('refuses (dead-letters) when the organization has no head', async () => {
    const useCase = new AssignOnRegistration({ officialsOf: async () => [official('exec', ['EXECUTOR'])], emit: async () => undefined });
    await expect(useCase.execute(registered)).rejects.toBeInstanceOf(PermanentError);
  });
});
