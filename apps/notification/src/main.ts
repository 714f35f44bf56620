import { runMain } from '@shagym/service-kit';
import { startNotification } from './app';

runMain(() => startNotification());
