import { runMain } from '@shagym/service-kit';
import { startDeadline } from './app';

runMain(() => startDeadline());
