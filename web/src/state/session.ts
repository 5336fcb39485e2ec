// Who is signed in. `undefined` while the page asks the server, `null` when signed out. The token
// itself is never kept: the server answers a sign-in with an HttpOnly cookie.
import { computed, signal } from '@preact/signals';
import { request, setCsrf, whenSignedOut } from '../api/client.ts';
import type { SessionInfo } from '../api/types.ts';

export const session = signal<SessionInfo | null | undefined>(undefined);

/** Release and admin tokens may change rollouts and reboot slots; read-only tokens see no controls. */
export const canChange = computed(() => session.value?.role === 'release' || session.value?.role === 'admin');

function adopt(info: SessionInfo | null): void {
  setCsrf(info?.csrf ?? null);
  session.value = info;
}

whenSignedOut(() => adopt(null));

export async function loadSession(): Promise<void> {
  try {
    adopt(await request<SessionInfo>('/session', { quiet401: true }));
  } catch {
    adopt(null);
  }
}

export async function signIn(token: string): Promise<void> {
  adopt(await request<SessionInfo>('/session', { method: 'POST', body: { token }, quiet401: true }));
}

export async function signOut(): Promise<void> {
  await request('/session', { method: 'DELETE' }).catch(() => {});
  adopt(null);
}
