import { type FormEvent, useId, useState } from 'react';
import {
  type CreatedUser,
  type Division,
  type Items,
  type Role,
  roleText,
  type User,
  useAccess,
} from '../access.ts';
import { ApiError, buildUrl, sendJson } from '../api.ts';
import { AdminNav } from '../components/AdminNav.tsx';
import { SecretBox } from '../components/SecretBox.tsx';
import { ListCard } from '../components/Status.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useApi } from '../useApi.ts';

type Divisions = string[] | 'all';

/** Users: who may sign in, with which roles, seeing which divisions (admin:user:view; changes admin:user:edit). */
export default function AdminUsers() {
  const { t } = useI18n();
  const { can } = useAccess();
  const users = useApi<Items<User>>(buildUrl('/users'), { cached: false });
  const roles = useApi<Items<Role>>(buildUrl('/roles'), { cached: false });
  const divisions = useApi<Items<Division>>(buildUrl('/divisions'), { cached: false });
  const [editing, setEditing] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const editable = can('admin:user:edit');
  const roleList = roles.data?.items ?? [];
  const divisionList = divisions.data?.items ?? [];
  const editedUser = users.data?.items.find((u) => u.id === editing);

  return (
    <div className="page" data-testid="page-admin-users">
      <div className="page-head">
        <h1>{t.adminUsers}</h1>
        <p className="muted">{t.adminUsersIntro}</p>
      </div>
      <AdminNav />
      {[
        { what: t.roles, error: roles.error },
        { what: t.divisions, error: divisions.error },
      ].map(
        ({ what, error }) =>
          error && (
            <p key={what} className="form-message bad" role="alert" data-testid="users-side-error">
              {t.errorTitle} ({what}): {error.message}
            </p>
          ),
      )}
      {created?.password && (
        <SecretBox
          label={`${t.oneTimePassword} · ${created.user.username}`}
          secret={created.password}
          note={t.oneTimePasswordNote}
          onDone={() => setCreated(null)}
          testId="one-time-password"
        />
      )}
      {editable && (
        <UserForm
          roles={roleList}
          divisions={divisionList}
          onCreated={(answer) => {
            setCreated(answer);
            users.reload();
          }}
        />
      )}
      {editable && editedUser && (
        <UserEditor
          key={editedUser.id}
          user={editedUser}
          roles={roleList}
          divisions={divisionList}
          onDone={(changed) => {
            setEditing(null);
            if (changed) users.reload();
          }}
        />
      )}
      <ListCard id="users-list" title={t.userList} answer={users} empty={t.noUsers}>
        {(d) => (
          <UserTable
            items={d.items}
            divisions={divisionList}
            onEdit={editable ? setEditing : null}
            editing={editing}
          />
        )}
      </ListCard>
    </div>
  );
}

function divisionsText(value: Divisions, divisions: Division[], allLabel: string): string {
  if (value === 'all') return allLabel;
  return value.map((id) => divisions.find((d) => d.id === id)?.name ?? id).join(', ') || '—';
}

function UserTable({
  items,
  divisions,
  onEdit,
  editing,
}: {
  items: User[];
  divisions: Division[];
  onEdit: ((id: string) => void) | null;
  editing: string | null;
}) {
  const { t, lang } = useI18n();
  const sorted = [...items].sort((a, b) => a.username.localeCompare(b.username));
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">{t.username}</th>
            <th scope="col">{t.displayName}</th>
            <th scope="col">{t.roles}</th>
            <th scope="col">{t.divisions}</th>
            <th scope="col">{t.runStatus}</th>
            <th scope="col">{t.lastLogin}</th>
            <th scope="col">{t.createdAt}</th>
            {onEdit && <th scope="col">{t.actions}</th>}
          </tr>
        </thead>
        <tbody>
          {sorted.map((u) => (
            <tr
              key={u.id}
              className={editing === u.id ? 'selected' : undefined}
              data-testid="user-row"
              data-username={u.username}
            >
              <td className="mono">{u.username}</td>
              <td>{u.displayName}</td>
              <td>{u.roles.join(', ') || '—'}</td>
              <td>{divisionsText(u.divisions, divisions, t.allDivisions)}</td>
              <td>
                <span
                  className={`status-pill ${u.disabled ? 'dead' : 'delivered'}`}
                  data-testid="user-status"
                >
                  {u.disabled ? t.userDisabled : t.userActive}
                </span>
              </td>
              <td className="nowrap">{u.lastLoginAt ? formatDateTime(u.lastLoginAt, lang) : t.never}</td>
              <td className="nowrap">{formatDateTime(u.createdAt, lang)}</td>
              {onEdit && (
                <td>
                  <button
                    type="button"
                    className="button"
                    onClick={() => onEdit(u.id)}
                    data-testid="user-edit"
                  >
                    {t.edit}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RolePicker({
  roles,
  value,
  onChange,
}: {
  roles: Role[];
  value: string[];
  onChange: (value: string[]) => void;
}) {
  const { t, lang } = useI18n();
  return (
    <fieldset className="form-group" data-testid="role-picker">
      <legend>{t.roles}</legend>
      {roles.map((r) => (
        <label key={r.name} className="check">
          <input
            type="checkbox"
            checked={value.includes(r.name)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, r.name] : value.filter((n) => n !== r.name))
            }
            data-testid={`role-${r.name}`}
          />
          <span>
            <strong>{r.name}</strong> <span className="muted small">{roleText(r, lang)}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function DivisionPicker({
  divisions,
  value,
  onChange,
}: {
  divisions: Division[];
  value: Divisions;
  onChange: (value: Divisions) => void;
}) {
  const { t, lang } = useI18n();
  const name = useId();
  const chosen = value === 'all' ? [] : value;
  // Divisions a user holds that the analytics store has no row of yet are kept and shown.
  const listed = [
    ...divisions,
    ...chosen
      .filter((id) => !divisions.some((d) => d.id === id))
      .map((id) => ({ id, name: id, conversations: 0 })),
  ];
  return (
    <fieldset className="form-group" data-testid="division-picker">
      <legend>{t.divisions}</legend>
      <label className="check">
        <input
          type="radio"
          name={name}
          checked={value === 'all'}
          onChange={() => onChange('all')}
          data-testid="divisions-all"
        />
        {t.allDivisions}
      </label>
      <label className="check">
        <input
          type="radio"
          name={name}
          checked={value !== 'all'}
          onChange={() => onChange(chosen)}
          data-testid="divisions-some"
        />
        {t.someDivisions}
      </label>
      {value !== 'all' && (
        <div className="check-list">
          {listed.length === 0 && <p className="muted small">{t.noDivisions}</p>}
          {listed.map((d) => (
            <label key={d.id} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(d.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...chosen, d.id] : chosen.filter((id) => id !== d.id))
                }
                data-testid={`division-${d.id}`}
              />
              <span>
                {d.name}{' '}
                <span className="muted small">
                  ({formatNumber(d.conversations, lang)} {t.conversationsLower})
                </span>
              </span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

function UserForm({
  roles,
  divisions,
  onCreated,
}: {
  roles: Role[];
  divisions: Division[];
  onCreated: (answer: CreatedUser) => void;
}) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roleNames, setRoleNames] = useState<string[]>([]);
  const [scope, setScope] = useState<Divisions>('all');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ids = { username: useId(), displayName: useId(), password: useId(), title: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (roleNames.length === 0) {
      setMessage({ ok: false, text: t.chooseRole });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const answer = await sendJson<CreatedUser>('POST', buildUrl('/users'), {
        username: username.trim(),
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(password ? { password } : {}),
        roles: roleNames,
        divisions: scope,
      });
      setMessage({ ok: true, text: `${t.userCreated}: ${answer.user.username}` });
      setUsername('');
      setDisplayName('');
      setPassword('');
      setRoleNames([]);
      setScope('all');
      onCreated(answer);
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    }
    setBusy(false);
  };

  return (
    <details className="card form-details" data-testid="user-form-details">
      <summary className="form-details-summary" data-testid="user-new">
        {t.newUser}
      </summary>
      <form className="form-card" onSubmit={submit} aria-labelledby={ids.title} data-testid="user-form">
        <h2 id={ids.title} className="visually-hidden">
          {t.newUser}
        </h2>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor={ids.username}>{t.username}</label>
            <input
              id={ids.username}
              required
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              data-testid="user-username"
            />
          </div>
          <div className="field">
            <label htmlFor={ids.displayName}>{t.displayName}</label>
            <input
              id={ids.displayName}
              autoComplete="off"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              data-testid="user-display-name"
            />
          </div>
          <div className="field">
            <label htmlFor={ids.password}>
              {t.password} <span className="hint">({t.passwordGeneratedHint})</span>
            </label>
            <input
              id={ids.password}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="user-password"
            />
          </div>
        </div>
        <div className="form-columns">
          <RolePicker roles={roles} value={roleNames} onChange={setRoleNames} />
          <DivisionPicker divisions={divisions} value={scope} onChange={setScope} />
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="user-submit">
            {t.createUser}
          </button>
          {message && (
            <p
              className={message.ok ? 'form-message good' : 'form-message bad'}
              role={message.ok ? 'status' : 'alert'}
              data-testid="user-message"
            >
              {message.text}
            </p>
          )}
        </div>
      </form>
    </details>
  );
}

function UserEditor({
  user,
  roles,
  divisions,
  onDone,
}: {
  user: User;
  roles: Role[];
  divisions: Division[];
  onDone: (changed: boolean) => void;
}) {
  const { t } = useI18n();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [roleNames, setRoleNames] = useState<string[]>(user.roles);
  const [scope, setScope] = useState<Divisions>(user.divisions);
  const [disabled, setDisabled] = useState(user.disabled);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { displayName: useId(), password: useId(), title: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (roleNames.length === 0) {
      setError(t.chooseRole);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await sendJson<{ user: User }>('PATCH', buildUrl(`/users/${encodeURIComponent(user.id)}`), {
        displayName: displayName.trim(),
        roles: roleNames,
        divisions: scope,
        disabled,
        ...(password ? { password } : {}),
      });
      onDone(true);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <form className="card form-card" onSubmit={submit} aria-labelledby={ids.title} data-testid="user-editor">
      <h2 id={ids.title}>
        {t.editUser} <span className="mono">{user.username}</span>
      </h2>
      <div className="filter-grid">
        <div className="field">
          <label htmlFor={ids.displayName}>{t.displayName}</label>
          <input
            id={ids.displayName}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            data-testid="edit-display-name"
          />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>
            {t.newPassword} <span className="hint">({t.passwordUnchangedHint})</span>
          </label>
          <input
            id={ids.password}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="edit-password"
          />
        </div>
        <label className="check toggle-field">
          <input
            type="checkbox"
            checked={disabled}
            onChange={(e) => setDisabled(e.target.checked)}
            data-testid="edit-disabled"
          />
          {t.disableUser}
        </label>
      </div>
      <p className="muted small">{t.disableUserHint}</p>
      <div className="form-columns">
        <RolePicker roles={roles} value={roleNames} onChange={setRoleNames} />
        <DivisionPicker divisions={divisions} value={scope} onChange={setScope} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy} data-testid="edit-save">
          {t.save}
        </button>
        <button type="button" className="button" onClick={() => onDone(false)} data-testid="edit-cancel">
          {t.cancel}
        </button>
        {error && (
          <p className="form-message bad" role="alert" data-testid="edit-error">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
