import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ApiError, buildUrl, sendNoContent } from '../api.ts';
import { useI18n } from '../i18n.ts';

/** The signed-in user changes their own password (POST /auth/password) in a modal dialog. */
export function PasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ids = { current: useId(), next: useId(), confirm: useId(), title: useId() };

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setCurrent('');
      setNext('');
      setConfirm('');
      setMessage(null);
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next !== confirm) {
      setMessage({ ok: false, text: t.passwordsDiffer });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      await sendNoContent('POST', buildUrl('/auth/password'), {
        currentPassword: current,
        newPassword: next,
      });
      setMessage({ ok: true, text: t.passwordChanged });
      setCurrent('');
      setNext('');
      setConfirm('');
    } catch (e) {
      // The API names the field at fault: `currentPassword: not the current password`.
      const wrong = e instanceof ApiError && e.status === 400 && e.message.startsWith('currentPassword');
      setMessage({
        ok: false,
        text: wrong ? t.wrongCurrentPassword : e instanceof Error ? e.message : String(e),
      });
    }
    setBusy(false);
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={ids.title}
      onClose={onClose}
      data-testid="password-dialog"
    >
      <form className="form-card" onSubmit={submit}>
        <h2 id={ids.title}>{t.changePassword}</h2>
        <div className="field">
          <label htmlFor={ids.current}>{t.currentPassword}</label>
          <input
            id={ids.current}
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            data-testid="current-password"
          />
        </div>
        <div className="field">
          <label htmlFor={ids.next}>{t.newPassword}</label>
          <input
            id={ids.next}
            type="password"
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => setNext(e.target.value)}
            data-testid="new-password"
          />
        </div>
        <div className="field">
          <label htmlFor={ids.confirm}>{t.confirmPassword}</label>
          <input
            id={ids.confirm}
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            aria-invalid={confirm !== '' && confirm !== next}
            onChange={(e) => setConfirm(e.target.value)}
            data-testid="confirm-password"
          />
        </div>
        {message && (
          <p
            className={message.ok ? 'form-message good' : 'form-message bad'}
            role={message.ok ? 'status' : 'alert'}
            data-testid="password-message"
          >
            {message.text}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="password-submit">
            {t.changePassword}
          </button>
          <button type="button" className="button" onClick={onClose}>
            {t.close}
          </button>
        </div>
      </form>
    </dialog>
  );
}
