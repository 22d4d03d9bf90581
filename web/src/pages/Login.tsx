import { type FormEvent, useEffect, useId, useState } from 'react';
import type { User } from '../access.ts';
import { ApiError, buildUrl, sendJson } from '../api.ts';
import { type Lang, useI18n } from '../i18n.ts';
import { updateQuery } from '../router.tsx';

/**
 * The sign-in page (access mode 'login'). It is shown at the URL the user wanted, which the app opens
 * once they are signed in.
 */
export default function Login({
  expired,
  onSignedIn,
}: {
  expired: boolean;
  onSignedIn: () => Promise<void>;
}) {
  const { t, lang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { username: useId(), password: useId(), title: useId() };

  useEffect(() => {
    document.title = `${t.signInTitle} · Caseflow`;
  }, [t]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await sendJson<{ user: User }>('POST', buildUrl('/auth/login'), { username, password });
      await onSignedIn();
    } catch (e) {
      setPassword('');
      if (e instanceof ApiError && e.status === 401) setError(t.loginWrong);
      else if (e instanceof ApiError && e.status === 429) setError(t.loginTooMany);
      else setError(`${t.loginFailed}: ${e instanceof Error ? e.message : String(e)}`);
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login-page" data-testid="login-page">
      <form className="card form-card login-card" onSubmit={submit} aria-labelledby={ids.title}>
        <div className="login-head">
          <span className="login-brand">
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>{' '}
            Caseflow
          </span>
          <fieldset className="lang-switch light" data-testid="lang-switch">
            <legend className="visually-hidden">{t.language}</legend>
            {(['en', 'fr'] as const).map((l: Lang) => (
              <button
                key={l}
                type="button"
                aria-pressed={lang === l}
                onClick={() => updateQuery({ lang: l }, { replace: true })}
                data-testid={`lang-${l}`}
                lang={l}
                title={l === 'en' ? 'English' : 'Français'}
              >
                {l.toUpperCase()}
              </button>
            ))}
          </fieldset>
        </div>
        <h1 id={ids.title}>{t.signInTitle}</h1>
        {expired && !error && (
          <p className="form-message" role="status" data-testid="login-expired">
            {t.sessionEnded}
          </p>
        )}
        <div className="field">
          <label htmlFor={ids.username}>{t.username}</label>
          <input
            id={ids.username}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="login-username"
          />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>{t.password}</label>
          <input
            id={ids.password}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </div>
        {error && (
          <p className="form-message bad" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button
          type="submit"
          className="button primary"
          disabled={busy}
          aria-busy={busy}
          data-testid="login-submit"
        >
          {t.signIn}
        </button>
      </form>
    </main>
  );
}
