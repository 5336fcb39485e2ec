// Who hears that a token was revoked (TokenLookup.onTokenRevoked, kernel/auth/tokens.ts): the same
// listener set for both adapters. Each adapter decides when to call notify; this only keeps the set.
export type RevocationListener = (hash: string | null) => void;

export interface RevocationListeners {
  /** Tells every listener: a hash once that token was removed, null when some may have been missed. */
  notify(hash: string | null): void;
  /** Adds a listener; returns its removal (onTokenRevoked's answer). */
  add(listener: RevocationListener): () => void;
  clear(): void;
}

export function revocationListeners(): RevocationListeners {
  const listeners = new Set<RevocationListener>();
  return {
    notify(hash) {
      for (const listener of listeners) listener(hash);
    },
    add(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    clear() {
      listeners.clear();
    },
  };
}
