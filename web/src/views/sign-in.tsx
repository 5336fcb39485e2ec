// Sign-in with an API token. The server answers with an HttpOnly session cookie: the token is not
// kept by the page, in storage or anywhere else.
import { useState } from 'preact/hooks';
import { signIn } from '../state/session.ts';

export function SignIn() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim());
      setToken('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <form class="card" onSubmit={submit}>
        <h1>
          <span class="logo" aria-hidden="true" /> Platte
        </h1>
        <p class="muted">
          Sign in with an API token: one from <code>platte token create</code>, or the admin token Platte printed at its first start.
        </p>
        <label for="token">API token</label>
        <input id="token" type="password" autocomplete="off" spellcheck={false} required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="solid" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
    </main>
  );
}
