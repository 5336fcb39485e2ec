// What an API token is, and the port auth reads tokens through (the update server's store
// implements it; the kernel knows no store).

/** Ordered: read-only < release < admin. */
export type Role = 'admin' | 'release' | 'read-only';

export const ROLE_RANK: Readonly<Record<Role, number>> = Object.freeze({ 'read-only': 0, release: 1, admin: 2 });
export const ROLES = Object.keys(ROLE_RANK) as Role[];

export interface TokenRecord {
  /** Hex SHA-256 of the secret; the secret itself is never stored. */
  hash: string;
  name: string;
  role: Role;
  createdAt: number;
}

/** The few token calls auth makes. */
export interface TokenLookup {
  findToken(hash: string): Promise<TokenRecord | null>;
  /**
   * Hears revocations: `listener(hash)` once a token was removed, on this process at once and on
   * every other one sharing the store; `listener(null)` when some may have been missed: forget
   * every cached grant. Returns the unsubscribe.
   */
  onTokenRevoked(listener: (hash: string | null) => void): () => void;
}
