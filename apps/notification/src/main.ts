import { DAY_MS, runCommand, runMain, runPruneCommand } from '@shagym/service-kit';
import { loadNotificationConfig, startNotification } from './app';
import { DeliveryRepository } from './store/delivery-repository';
import { deliveryRetentionRule } from './store/delivery-retention';

// `main.js prune` runs the retention job once and exits; without a command, the service runs.
const [command, ...args] = process.argv.slice(2);
if (command === 'prune') {
  runCommand(() =>
    runPruneCommand(args, loadNotificationConfig(), (db, config) => [deliveryRetentionRule(new DeliveryRepository(db), config.RETENTION_DELIVERY_DAYS * DAY_MS)]),
  );
} else {
  runMain(() => startNotification());
}
