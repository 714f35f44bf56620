import { HOUR_MS, runCommand, runMain, runPruneCommand } from '@shagym/service-kit';
import { loadDeadlineConfig, startDeadline } from './app';
import { leaseRetentionRule } from './store/lease-retention';
import { TermRepository } from './store/term-repository';

// `main.js prune` runs the retention job once and exits; without a command, the service runs.
const [command, ...args] = process.argv.slice(2);
if (command === 'prune') {
  runCommand(() => runPruneCommand(args, loadDeadlineConfig(), (db, config) => [leaseRetentionRule(new TermRepository(db), config.RETENTION_LEASE_HOURS * HOUR_MS)]));
} else {
  runMain(() => startDeadline());
}
