// A button whose action asks first, in the browser's own modal dialog (focus moves into it and
// returns after; Escape cancels). The action's failure is shown in the dialog.
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

export interface ConfirmButtonProps {
  /** The button's name ("Abort rollout", "Unlock"). */
  label: string;
  /** A longer accessible name when the label alone is ambiguous ("Unlock node-3"). */
  ariaLabel?: string;
  title: string;
  /** The dialog's confirming button ("Abort now"). */
  confirm: string;
  danger?: boolean;
  children: ComponentChildren;
  onConfirm: () => Promise<void>;
}

export function ConfirmButton(p: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = () => {
    setError(null);
    dialog.current?.showModal();
  };
  const go = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await p.onConfirm();
      dialog.current?.close();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class={p.danger ? 'danger' : ''} aria-label={p.ariaLabel} onClick={open}>
        {p.label}
      </button>
      <dialog ref={dialog} aria-label={p.title}>
        <form method="dialog" onSubmit={go}>
          <h2>{p.title}</h2>
          {p.children}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <div class="actions">
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" class={p.danger ? 'danger solid' : 'solid'} disabled={busy}>
              {p.confirm}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
