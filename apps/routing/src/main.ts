import { runMain } from '@shagym/service-kit';
import { startRouting } from './app';

runMain(() => startRouting());
