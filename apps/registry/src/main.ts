import { runMain } from '@shagym/service-kit';
import { startRegistry } from './app';

runMain(() => startRegistry());
