import { runMain } from '@shagym/service-kit';
import { startRouting } from './app';
import { runSeedCommand } from './seed-command';

// `main.js seed [file] [--dry-run]` loads the directory and exits; without a command, the service runs.
const [command, ...args] = process.argv.slice(2);
if (command === 'seed') {
  runSeedCommand(args).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack ?? err.message : err);
      process.exit(1);
    },
  );
} else {
  runMain(() => startRouting());
}
