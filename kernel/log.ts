// Structured logging: one pino logger per process, children per component. The level comes from
// the parsed configuration (--log-level / PLATTE_LOG_LEVEL), never from the environment directly.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'platte' } });
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
