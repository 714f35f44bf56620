import { runCommand, runMain, runPruneCommand } from '@shagym/service-kit';
import { loadIntakeConfig, startIntake } from './app';

// `main.js prune` runs the retention job once (inbox ids, dead-letter markers) and exits; without a command, the service runs.
const [command, ...args] = process.argv.slice(2);
if (command === 'prune') {
  runCommand(() => runPruneCommand(args, loadIntakeConfig(), () => []));
} else {
  runMain(() => startIntake());
}
