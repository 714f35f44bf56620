import pino, { type Logger } from 'pino';
import { currentContext } from './context';

export type { Logger };

/** Structured JSON logs; every line carries the service and the current correlation id. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const ctx = currentContext();
      return ctx ? { correlationId: ctx.correlationId, ...(ctx.causationId ? { causationId: ctx.causationId } : {}) } : {};
    },
  });
}
