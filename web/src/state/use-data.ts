// Loads what a view shows and keeps it: again whenever its keys change and, as `refresh` says, on
// every `tick` (counts or rollouts changed, live.ts), on every `rebootTick` (reboot slots changed,
// or a few seconds while no events flow), on every `pollTick` (a few seconds, for what sends no
// events) or never. Answers that arrive out of order are dropped; a failed reload keeps
// the last data and says why.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from '../api/client.ts';
import { pollTick, rebootTick, tick } from './live.ts';

export type Refresh = 'events' | 'reboot' | 'poll' | 'none';

export interface Data<T> {
  data: T | undefined;
  error: ApiFailure | null;
  reload(): void;
  /** Shows `value` now (an action's answer) until the next load. */
  set(value: T): void;
}

/** The signal `refresh` follows, read (so the view renders again when it moves); 0 for none. */
function refreshTick(refresh: Refresh): number {
  switch (refresh) {
    case 'events':
      return tick.value;
    case 'reboot':
      return rebootTick.value;
    case 'poll':
      return pollTick.value;
    case 'none':
      return 0;
  }
}

export function useData<T>(load: () => Promise<T>, keys: readonly unknown[], refresh: Refresh = 'events'): Data<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [manual, setManual] = useState(0);
  const seq = useRef(0);
  const liveTick = refreshTick(refresh);
  const keyText = JSON.stringify(keys);
  const lastKeys = useRef(keyText);

  useEffect(() => {
    const mine = ++seq.current;
    if (lastKeys.current !== keyText) {
      // Other keys: what was shown belongs to something else.
      lastKeys.current = keyText;
      setData(undefined);
    }
    load().then(
      (value) => {
        if (mine !== seq.current) return;
        setData(value);
        setError(null);
      },
      (err: unknown) => {
        if (mine !== seq.current) return;
        setError(err instanceof ApiFailure ? err : new ApiFailure(0, 'error', String(err)));
      },
    );
  }, [keyText, liveTick, manual]);

  return {
    data,
    error,
    reload: () => setManual((n) => n + 1),
    set: (value) => {
      seq.current++;
      setData(value);
      setError(null);
    },
  };
}
