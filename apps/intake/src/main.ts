import { runMain } from '@shagym/service-kit';
import { startIntake } from './app';

runMain(() => startIntake());
