// Sessions in this process's memory: for a Platte built without its backend at hand (tests that
// build the Koa app alone). A restart signs everyone out, and processes do not share them.
import type { SessionRecord, SessionStore } from './types.ts';

export function createMemorySessionStore(): SessionStore {
  const sessions = new Map<string, SessionRecord>();
  return {
    async put(key, session) {
      for (const [k, s] of sessions) if (s.expiresAt <= session.createdAt) sessions.delete(k);
      sessions.set(key, session);
    },
    async get(key, now) {
      const s = sessions.get(key);
      return s && s.expiresAt > now ? s : null;
    },
    async remove(key) {
      sessions.delete(key);
    },
  };
}
