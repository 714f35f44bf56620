import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { createEvent } from '@shagym/contracts';
import { ComplaintAccess, forbidden } from '@shagym/service-kit';
import { complaintAssigned, complaintForwarded, complaintReassigned, complaintRegistered, complaintSubmitted, dropAndClose, IDENTITIES, storeConnections } from './index';

/**
 * The holder projection (service-kit ComplaintAccess, issue 15) on the real FerretDB: facts
 * appended per event id into `parties:<complaintId>:<n>` slots, folded into who holds the
 * complaint now. Separate connections stand for the services' instances (redelivery, rebalance).
 */
describe('who holds a complaint, on FerretDB (issue 15)', () => {
  const dbName = `t_holder_${process.pid}_${Date.now() % 100000}`;
  let conns: Connection[];

  beforeAll(async () => {
    conns = await storeConnections(dbName);
  });
  afterAll(() => dropAndClose(conns));

  const t = (s: number) => new Date(Date.UTC(2026, 10, 30, 5, 0, s));

  it('R2, R18, R12: follows reassignment, forwarding and escalation; every body that held it keeps read access', async () => {
    const access = new ComplaintAccess(conns[0]!);
    const id = randomUUID();
    const escalation = randomUUID();
    const steps = [
      complaintSubmitted('org-psc', id),
      complaintRegistered('org-psc', id),
      complaintAssigned('org-psc', id, 'exec-1', t(3)),
      complaintReassigned('org-psc', id, 'exec-1', 'exec-2', t(4)),
    ];
    for (const e of steps) await access.learn(e);
    expect(await access.holder(id)).toMatchObject({ currentOrganizationId: 'org-psc', currentExecutorOfficialId: 'exec-2', registeringOrganizationId: 'org-psc', addresseeOrganizationId: 'org-psc', complainantIin: '900101300017' });

    await access.learn(complaintForwarded('org-psc', 'org-min', id, t(5), '2026-11-30'));
    // Learned by another instance: the first one's cached "may see" must not hide the move.
    expect(await new ComplaintAccess(conns[1]!).holder(id)).toMatchObject({ currentOrganizationId: 'org-min', currentExecutorOfficialId: null, organizationIds: ['org-psc', 'org-min'] });
    expect(await access.holder(id)).toMatchObject({ currentOrganizationId: 'org-min', currentExecutorOfficialId: null });
    await expect(access.authorize(IDENTITIES.head('org-min', 'head-min'), id)).resolves.toBeTruthy();
    await expect(access.authorize(IDENTITIES.executor('org-psc', 'exec-1'), id)).resolves.toBeTruthy();
    await expect(access.authorize(IDENTITIES.head('org-other', 'head-x'), id)).rejects.toMatchObject({ extensions: { code: forbidden('x').extensions.code } });

    await access.learn(complaintAssigned('org-min', id, 'exec-9', t(6)));
    await access.learn(
      createEvent({ type: 'complaint.escalated', source: 'intake', subject: id, correlationId: 'c', time: t(7), data: { complaintId: id, escalationComplaintId: escalation, authorizedBodyId: 'org-adgs', escalatedAt: t(7).toISOString() } }),
    );
    expect(await access.holder(id)).toMatchObject({ currentOrganizationId: 'org-min', currentExecutorOfficialId: 'exec-9', escalatedTo: [escalation], executorOfficialIds: ['exec-1', 'exec-2', 'exec-9'] });
  });

  it('a redelivered event adds nothing, whichever instance learns it again', async () => {
    const id = randomUUID();
    const events = [complaintSubmitted('org-a', id), complaintRegistered('org-a', id), complaintAssigned('org-a', id, 'exec-1', t(3)), complaintForwarded('org-a', 'org-b', id, t(4), '2026-11-30')];
    for (const e of events) await new ComplaintAccess(conns[0]!).learn(e);
    // At-least-once delivery: the same events again, from another instance (a rebalance).
    for (const e of events) await new ComplaintAccess(conns[1]!).learn(e);
    expect(await conns[0]!.db!.collection('complaint_party_slots').countDocuments({ list: `parties:${id}` })).toBe(events.length);
    // And from two instances at once: SlotList may then give an item two slots; the fold reads each event once.
    await Promise.all(conns.slice(1).map(async (c) => { for (const e of events) await new ComplaintAccess(c).learn(e); }));
    expect(await new ComplaintAccess(conns[2]!).holder(id)).toMatchObject({ currentOrganizationId: 'org-b', currentExecutorOfficialId: null, organizationIds: ['org-a', 'org-b'], executorOfficialIds: ['exec-1'] });
  });

  it('knows nobody of a complaint it never heard of', async () => {
    expect(await new ComplaintAccess(conns[0]!).holder(randomUUID())).toBeNull();
  });
});
