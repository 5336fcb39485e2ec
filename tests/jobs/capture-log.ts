// A pino logger whose lines the test can read.
import { pino } from 'pino';
import type { Logger } from '../../kernel/log.ts';

export interface LogLine {
  level: number;
  msg: string;
  job?: string;
  attempt?: number;
}

export function captureLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}
