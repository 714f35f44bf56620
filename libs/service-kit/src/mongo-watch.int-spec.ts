import { randomBytes } from 'node:crypto';
import { Schema } from 'mongoose';
import type { Logger } from './logger';
import { connectMongo, watchMongo } from './mongo';

/**
 * The connection watchdog on the real FerretDB: a client cut off from a server that is up is
 * reopened and the models keep working on it; while the server itself is down nothing is
 * reopened. (The driver's stuck state is simulated by the ping; the reopen is real.)
 */
describe('watchMongo', () => {
  // The infrastructure jest's global setup started (this lib may not depend on @shagym/testing).
  const url = process.env.MONGO_URL!;
  const dbName = `t_mongowatch${randomBytes(3).toString('hex')}_watch`;
  const said: string[] = [];
  const waitFor = async (what: string, probe: () => boolean) => {
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) if (probe()) return;
    throw new Error(`timed out waiting for ${what}`);
  };
  const logger = { info: (...a: unknown[]) => said.push(String(a.at(-1))), warn: (...a: unknown[]) => said.push(String(a.at(-1))) } as unknown as Logger;


  it('reopens a connection that fails while the server answers a new client, and the models follow it', async () => {
    const conn = await connectMongo(url, dbName, logger);
    const Note = conn.model('Note', new Schema({ _id: String, text: String }, { versionKey: false }));
    await Note.create({ _id: 'before', text: 'written before' });
    const firstClient = conn.getClient();
    let stuck = true;
    let serverUp = false;
    const stop = watchMongo(conn, url, logger, {
      intervalMs: 50,
      stuckMs: 200,
      ping: async () => !stuck,
      reachable: async () => serverUp,
    });
    try {
      // The server is down too: waiting is all one can do.
      await new Promise((r) => setTimeout(r, 500));
      expect(conn.getClient()).toBe(firstClient);

      serverUp = true;
      await waitFor('reopened', () => said.includes('mongo: connection reopened'));
      stuck = false;
      expect(conn.getClient()).not.toBe(firstClient);
      await Note.create({ _id: 'after', text: 'written after the reopen' });
      expect((await Note.find().sort({ _id: 1 }).lean()).map((n) => n._id)).toEqual(['after', 'before']);
    } finally {
      stop();
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    }
  });
});
