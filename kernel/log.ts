// Structured logging: one pino logger per process, children per component.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.PLATTE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'platte' } });
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
