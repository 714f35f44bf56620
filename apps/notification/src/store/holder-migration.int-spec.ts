import mongoose from 'mongoose';
import { ComplaintAccess, createLogger, runMigrations } from '@shagym/service-kit';
import { complaintAssigned, complaintForwarded, complaintRegistered, complaintSubmittedBy, IDENTITIES, isolatedEnv } from '@shagym/testing';
import { toFact } from '../domain/complaint-file';
import { ComplaintFileRepository } from './complaint-files';
import { NOTIFICATION_HOLDER_MIGRATION } from './migrations';

/**
 * A store written before notification used the shared holder projection (issue 15) has complaint
 * files but no holder facts: the migration seeds them from the files, in order, so that the
 * complainant (R11) and the bodies that held the complaint (R18) still see it after the upgrade.
 */
describe('notification: holder facts seeded from the complaint files (migration)', () => {
  const iso = isolatedEnv('holdermig');
  let conn: mongoose.Connection;

  beforeAll(async () => {
    conn = await mongoose.createConnection(iso.env.MONGO_URL!, { dbName: iso.dbName('notification'), retryWrites: false }).asPromise();
  });

  afterAll(async () => {
    await conn?.dropDatabase();
    await conn?.close();
    await iso.cleanup();
  });

  it('R11, R18: after the upgrade the complainant and the receiving body see a forwarded complaint; an unrelated body does not', async () => {
    const files = new ComplaintFileRepository(conn);
    const submitted = complaintSubmittedBy('org-psc-a', { iin: '900101300017' });
    const id = submitted.subject;
    const events = [
      submitted,
      complaintRegistered('org-psc-a', id),
      complaintAssigned('org-psc-a', id, 'off-a-exec'),
      complaintForwarded('org-psc-a', 'org-police', id, new Date('2026-12-01T05:00:00.000Z'), '2026-11-30'),
    ];
    for (const e of events) {
      // What the previous version stored for a forwarding: the two bodies (this version stores no fact for it).
      const old = { id: e.id, complaintId: id, type: e.type, at: e.time, patch: { involvedOrganizationIds: ['org-psc-a', 'org-police'] } as never };
      await files.add(e.type === 'complaint.forwarded' ? old : toFact(e)!);
    }
    const access = new ComplaintAccess(conn);
    expect(await access.holder(id)).toBeNull(); // the old store: nobody could see it

    await runMigrations(conn, [NOTIFICATION_HOLDER_MIGRATION], createLogger('test', 'silent'));

    expect(await access.holder(id)).toMatchObject({ complainantIin: '900101300017', currentOrganizationId: 'org-police', currentExecutorOfficialId: null });
    await expect(access.authorize(IDENTITIES.citizen('900101300017'), id)).resolves.toBeTruthy();
    await expect(access.authorize(IDENTITIES.head('org-police', 'off-police-head'), id)).resolves.toBeTruthy();
    await expect(access.authorize(IDENTITIES.head('org-unrelated', 'off-other-head'), id)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    // The events themselves, redelivered later, add nothing: the facts carry their event ids.
    for (const e of events) await access.learn(e);
    expect((await access.holder(id))?.organizationIds.sort()).toEqual(['org-police', 'org-psc-a']);
  });
});
