import mongoose from 'mongoose';
import { complaintAssigned, complaintRegistered, complaintSubmittedBy, isolatedEnv } from '@shagym/testing';
import { toFact } from '../domain/complaint-file';
import { ComplaintFileRepository } from './complaint-files';

/**
 * The consumer's in-memory complaint files on the real FerretDB: what it added itself is seen
 * without a read, a fact written by another instance (another partition owner) only after the
 * cache is dropped at a rebalance; GraphQL reads always see the database.
 */
describe('complaint files: the partition owner’s cache', () => {
  const iso = isolatedEnv('files');
  let conn: mongoose.Connection;
  let mine: ComplaintFileRepository;
  let other: ComplaintFileRepository;

  beforeAll(async () => {
    conn = await mongoose.createConnection(iso.env.MONGO_URL!, { dbName: iso.dbName('notification'), retryWrites: false }).asPromise();
    mine = new ComplaintFileRepository(conn);
    other = new ComplaintFileRepository(conn.useDb(iso.dbName('notification')));
  });

  afterAll(async () => {
    await conn?.close();
    await iso.cleanup();
  });

  it('serves its own facts from memory, and another writer’s only after a rebalance', async () => {
    const submitted = complaintSubmittedBy('org-f', { iin: '900101300017' });
    const id = submitted.subject;
    await mine.add(toFact(submitted)!);
    expect(await mine.findOwned(id)).toMatchObject({ id, complainant: { recipientKey: 'iin:900101300017' } });

    const registered = complaintRegistered('org-f', id);
    await mine.add(toFact(registered)!);
    expect((await mine.findOwned(id))?.registration?.incomingNumber).toBe(registered.data.incomingNumber);

    // Another instance (the partition's next owner) adds a fact: not visible to the old owner's cache…
    await other.add(toFact(complaintAssigned('org-f', id, 'off-7'))!);
    expect((await mine.findOwned(id))?.assignment).toBeUndefined();
    // …but GraphQL reads see it at once, and the consumer after its group rebalanced.
    expect((await mine.find(id))?.assignment?.executorOfficialId).toBe('off-7');
    mine.forgetAll();
    expect((await mine.findOwned(id))?.assignment?.executorOfficialId).toBe('off-7');

    // A redelivered fact (a duplicate insert) still reaches a cache that lacks it.
    const fresh = new ComplaintFileRepository(conn.useDb(iso.dbName('notification')));
    const again = complaintSubmittedBy('org-f', { iin: '900101300025' });
    await other.add(toFact(again)!);
    expect(await fresh.findOwned(again.subject)).toMatchObject({ id: again.subject });
    const reg = complaintRegistered('org-f', again.subject);
    await other.add(toFact(reg)!);
    await fresh.add(toFact(reg)!); // the same event again: a duplicate in the database
    expect((await fresh.findOwned(again.subject))?.registration?.incomingNumber).toBe(reg.data.incomingNumber);
  });
});
