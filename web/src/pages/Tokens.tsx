import { type FormEvent, useId, useState } from 'react';
import {
  type ApiToken,
  type CreatedToken,
  grants,
  type Items,
  permissionItems,
  tokenState,
  useAccess,
} from '../access.ts';
import { ApiError, buildUrl, sendJson, sendNoContent } from '../api.ts';
import { PermissionPicker } from '../components/PermissionPicker.tsx';
import { SecretBox } from '../components/SecretBox.tsx';
import { ListCard } from '../components/Status.tsx';
import { formatDateTime } from '../format.ts';
import { type Labels, useI18n } from '../i18n.ts';
import { useApi } from '../useApi.ts';

/** Lifetimes offered for a new token, in days (null: no expiry). */
const LIFETIMES = [7, 30, 90, 365, null] as const;

/** The signed-in user's API tokens for the REST API (`Authorization: Bearer cf_…`). */
export default function Tokens() {
  const { t } = useI18n();
  const tokens = useApi<Items<ApiToken>>(buildUrl('/tokens'), { cached: false });
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (token: ApiToken) => {
    if (!window.confirm(`${t.revokeTokenConfirm} ${token.name}`)) return;
    setError(null);
    try {
      await sendNoContent('DELETE', buildUrl(`/tokens/${encodeURIComponent(token.id)}`));
      tokens.reload();
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="page" data-testid="page-tokens">
      <div className="page-head">
        <h1>{t.myTokens}</h1>
        <p className="muted">{t.tokensIntro}</p>
      </div>
      {created && (
        <SecretBox
          label={`${t.tokenSecret} · ${created.token.name}`}
          secret={created.secret}
          note={t.tokenSecretNote}
          onDone={() => setCreated(null)}
          testId="token-secret"
        />
      )}
      <TokenForm
        onCreated={(answer) => {
          setCreated(answer);
          tokens.reload();
        }}
      />
      {error && (
        <p className="form-message bad" role="alert" data-testid="token-error">
          {error}
        </p>
      )}
      <ListCard id="tokens-list" title={t.tokenList} answer={tokens} empty={t.noTokens}>
        {(d) => <TokenTable items={d.items} onRevoke={revoke} />}
      </ListCard>
    </div>
  );
}

function TokenForm({ onCreated }: { onCreated: (answer: CreatedToken) => void }) {
  const { t, lang } = useI18n();
  const { me } = useAccess();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [days, setDays] = useState<string>('90');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ids = { name: useId(), days: useId(), title: useId() };
  // A token can never do more than its user: offer the permissions the user holds.
  const offered = permissionItems(lang).filter((p) => grants(me.permissions, p.name));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (scopes.length === 0) {
      setMessage({ ok: false, text: t.choosePermission });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const answer = await sendJson<CreatedToken>('POST', buildUrl('/tokens'), {
        name: name.trim(),
        scopes,
        ...(days ? { expiresInDays: Number(days) } : {}),
      });
      setName('');
      setScopes([]);
      onCreated(answer);
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError || e instanceof Error ? e.message : String(e) });
    }
    setBusy(false);
  };

  return (
    <form className="card form-card" onSubmit={submit} aria-labelledby={ids.title} data-testid="token-form">
      <h2 id={ids.title}>{t.newToken}</h2>
      <div className="filter-grid">
        <div className="field grow">
          <label htmlFor={ids.name}>{t.tokenName}</label>
          <input
            id={ids.name}
            required
            value={name}
            placeholder={t.tokenNameHint}
            onChange={(e) => setName(e.target.value)}
            data-testid="token-name"
          />
        </div>
        <div className="field">
          <label htmlFor={ids.days}>{t.tokenExpiry}</label>
          <select
            id={ids.days}
            value={days}
            onChange={(e) => setDays(e.target.value)}
            data-testid="token-expiry"
          >
            {LIFETIMES.map((d) => (
              <option key={d ?? 'never'} value={d ?? ''}>
                {d === null ? t.noExpiry : `${d} ${t.days}`}
              </option>
            ))}
          </select>
        </div>
      </div>
      <PermissionPicker
        items={offered}
        value={scopes}
        onChange={setScopes}
        legend={t.tokenScopes}
        testId="token-scopes"
      />
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy} data-testid="token-submit">
          {t.createToken}
        </button>
        {message && (
          <p
            className={message.ok ? 'form-message good' : 'form-message bad'}
            role={message.ok ? 'status' : 'alert'}
            data-testid="token-message"
          >
            {message.text}
          </p>
        )}
      </div>
    </form>
  );
}

const STATE_LABEL: Record<ReturnType<typeof tokenState>, keyof Labels> = {
  active: 'tokenActive',
  expired: 'tokenExpired',
  revoked: 'tokenRevoked',
};

const STATE_PILL: Record<ReturnType<typeof tokenState>, string> = {
  active: 'delivered',
  expired: 'expired',
  revoked: 'dead',
};

function TokenTable({ items, onRevoke }: { items: ApiToken[]; onRevoke: (token: ApiToken) => void }) {
  const { t, lang } = useI18n();
  const sorted = [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="tokens-table">
        <thead>
          <tr>
            <th scope="col">{t.tokenName}</th>
            <th scope="col">{t.tokenScopes}</th>
            <th scope="col">{t.createdAt}</th>
            <th scope="col">{t.tokenExpires}</th>
            <th scope="col">{t.tokenLastUsed}</th>
            <th scope="col">{t.runStatus}</th>
            <th scope="col">{t.actions}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((token) => {
            const state = tokenState(token);
            return (
              <tr key={token.id} data-testid="token-row" data-name={token.name} data-state={state}>
                <td>{token.name}</td>
                <td>
                  <ul className="permission-list">
                    {token.scopes.map((s) => (
                      <li key={s}>
                        <code>{s}</code>
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="nowrap">{formatDateTime(token.createdAt, lang)}</td>
                <td className="nowrap">
                  {token.expiresAt ? formatDateTime(token.expiresAt, lang) : t.noExpiry}
                </td>
                <td className="nowrap">
                  {token.lastUsedAt ? formatDateTime(token.lastUsedAt, lang) : t.never}
                </td>
                <td>
                  <span className={`status-pill ${STATE_PILL[state]}`} data-testid="token-state">
                    {t[STATE_LABEL[state]]}
                  </span>
                  {token.revokedAt && (
                    <span className="muted small block">{formatDateTime(token.revokedAt, lang)}</span>
                  )}
                </td>
                <td>
                  {state === 'active' ? (
                    <button
                      type="button"
                      className="button"
                      onClick={() => onRevoke(token)}
                      data-testid="token-revoke"
                    >
                      {t.revoke}
                    </button>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
