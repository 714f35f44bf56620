import { runCommand, runMain, runPruneCommand } from '@shagym/service-kit';
import { loadRoutingConfig, startRouting } from './app';
import { runSeedCommand } from './seed-command';

// `main.js seed [file] [--dry-run]` loads the directory and exits; `main.js prune` runs the
// retention job once (inbox ids, dead-letter markers: workload slots are kept, DEVELOPERS.md)
// and exits; without a command, the service runs.
const [command, ...args] = process.argv.slice(2);
if (command === 'seed') {
  runCommand(() => runSeedCommand(args));
} else if (command === 'prune') {
  runCommand(() => runPruneCommand(args, loadRoutingConfig(), () => []));
} else {
  runMain(() => startRouting());
}
