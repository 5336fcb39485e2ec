// The page's few kinds of message: loading, a failed load, an empty list.
import type { ComponentChildren } from 'preact';
import type { ApiFailure } from '../api/client.ts';

export function Failure({ error }: { error: ApiFailure | null }) {
  if (!error) return null;
  return (
    <p class="note error" role="alert">
      {error.message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="note muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="note muted">{children}</p>;
}
