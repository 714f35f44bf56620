import { z } from 'zod';
import { ConfigError, loadConfig } from './config';

describe('typed config from the environment', () => {
  it('applies defaults and derives the service database', () => {
    const cfg = loadConfig('registry', {}, { PORT: 4002 });
    expect(cfg).toMatchObject({
      SERVICE_NAME: 'registry',
      PORT: 4002,
      MONGO_DB: 'shagym_registry',
      KAFKA_BROKERS: ['127.0.0.1:19092'],
      KAFKA_TOPIC_PREFIX: '',
    });
  });

  it('reads the environment over the defaults, splitting broker lists', () => {
    const cfg = loadConfig('intake', { PORT: '5001', KAFKA_BROKERS: 'a:9092, b:9092', MONGO_DB: 'x_intake' }, { PORT: 4001 });
    expect(cfg.PORT).toBe(5001);
    expect(cfg.KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
    expect(cfg.MONGO_DB).toBe('x_intake');
  });

  it('refuses to start with every bad variable named', () => {
    const attempt = () => loadConfig('intake', { PORT: 'eighty', MONGO_URL: 'postgres://x', LOG_LEVEL: 'chatty' }, { PORT: 4001 });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT[\s\S]*MONGO_URL[\s\S]*LOG_LEVEL/);
  });

  it('takes a service’s own settings', () => {
    const cfg = loadConfig('gateway', { EXTRA_MS: '250' }, { PORT: 4000 }, { EXTRA_MS: z.coerce.number().int() });
    expect(cfg.EXTRA_MS).toBe(250);
  });
});
