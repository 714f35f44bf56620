import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushCommandLogs, type CommandRecord } from '@shagym/service-kit';

const CHECKED = ['find', 'count', 'aggregate', 'update', 'delete', 'findAndModify', 'distinct'];

/**
 * For the int-specs: a command log for the service under test (`MONGO_COMMAND_LOG`), and what
 * in it, once the service was ready, filtered by anything but exactly `{_id: <string>}` — the
 * one filter FerretDB answers from an index (architecture.md, "Reads that do not grow with
 * the data"). Start-up reads (migrations, the worker's load of open deliveries) are allowed.
 */
export function commandLog(label: string) {
  const dir = mkdtempSync(join(tmpdir(), `notification-${label}-`));
  const file = join(dir, 'commands.jsonl');
  return {
    file,
    async running(db: string): Promise<CommandRecord[]> {
      await flushCommandLogs();
      if (!existsSync(file)) return [];
      const records = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as CommandRecord);
      return records.filter((r) => r.phase === 'running' && r.service === 'notification' && r.db === db);
    },
    async notPoint(db: string): Promise<string[]> {
      return (await this.running(db)).flatMap((r) => {
        if (!CHECKED.includes(r.command)) return [];
        const filters = r.command === 'aggregate' ? [(r.pipeline?.[0] as { $match?: unknown } | undefined)?.$match] : (r.filters ?? []);
        return filters
          .filter((f) => !(f && typeof f === 'object' && Object.keys(f).join() === '_id' && typeof (f as { _id: unknown })._id === 'string'))
          .map((f) => `${r.command} ${r.collection}: ${JSON.stringify(f)}`);
      });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
