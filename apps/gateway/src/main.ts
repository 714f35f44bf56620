import { runMain } from '@shagym/service-kit';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';

runMain(() => startGateway(loadGatewayConfig()));
