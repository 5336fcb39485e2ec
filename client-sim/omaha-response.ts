// How a virtual node reads the answer to its update check: as update_engine does
// (protocol/omaha/client-response.ts), behind the simulator's fast path.
import { readCheckAnswer, type CheckAnswer } from '../protocol/omaha/client-response.ts';

/**
 * Recent answers by exact body: a fleet gets the same few answers over and over (noupdate, or the
 * same manifest; only daystart changes), so most parses are skipped. Answers are never mutated.
 */
const recent = new Map<string, CheckAnswer>();
const RECENT_MAX = 64;

/** readCheckAnswer, reusing the result for a body read recently. */
export function parseCheckAnswer(body: string): CheckAnswer {
  const known = recent.get(body);
  if (known) return known;
  const answer = readCheckAnswer(body);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(body, answer);
  return answer;
}
