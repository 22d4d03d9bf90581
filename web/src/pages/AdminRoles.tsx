import { type FormEvent, useId, useState } from 'react';
import {
  type Items,
  type PermissionInfo,
  permissionText,
  type Role,
  roleText,
  useAccess,
} from '../access.ts';
import { ApiError, buildUrl, sendJson, sendNoContent } from '../api.ts';
import { AdminNav } from '../components/AdminNav.tsx';
import { PermissionPicker } from '../components/PermissionPicker.tsx';
import { ListCard } from '../components/Status.tsx';
import { useI18n } from '../i18n.ts';
import { useApi } from '../useApi.ts';

/** Roles: the built-in ones (read-only) and custom ones made of permissions (changes: admin:role:edit). */
export default function AdminRoles() {
  const { t, lang } = useI18n();
  const { can } = useAccess();
  const roles = useApi<Items<Role>>(buildUrl('/roles'), { cached: false });
  const permissions = useApi<Items<PermissionInfo>>(buildUrl('/permissions'));
  // null: no form; '': a new role; a name: that custom role.
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const editable = can('admin:role:edit');
  const items = (permissions.data?.items ?? []).map((p) => ({
    name: p.name,
    description: permissionText(p.name, p.description, lang),
  }));
  const edited = editing ? roles.data?.items.find((r) => r.name === editing) : undefined;

  const remove = async (role: Role) => {
    if (!window.confirm(`${t.deleteRoleConfirm} ${role.name}`)) return;
    setError(null);
    try {
      await sendNoContent('DELETE', buildUrl(`/roles/${encodeURIComponent(role.name)}`));
      if (editing === role.name) setEditing(null);
      roles.reload();
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="page" data-testid="page-admin-roles">
      <div className="page-head">
        <h1>{t.adminRoles}</h1>
        <p className="muted">{t.adminRolesIntro}</p>
      </div>
      <AdminNav />
      {editable && editing === null && (
        <div>
          <button
            type="button"
            className="button primary"
            onClick={() => setEditing('')}
            data-testid="role-new"
          >
            {t.newRole}
          </button>
        </div>
      )}
      {editable && editing !== null && (editing === '' || edited) && (
        <RoleForm
          key={editing}
          role={edited ?? null}
          permissions={items}
          onDone={(changed) => {
            setEditing(null);
            if (changed) roles.reload();
          }}
        />
      )}
      {error && (
        <p className="form-message bad" role="alert" data-testid="role-error">
          {error}
        </p>
      )}
      <ListCard id="roles-list" title={t.roleList} answer={roles}>
        {(d) => (
          <div className="table-wrap">
            <table className="data-table" data-testid="roles-table">
              <thead>
                <tr>
                  <th scope="col">{t.roleName}</th>
                  <th scope="col">{t.description}</th>
                  <th scope="col">{t.permissions}</th>
                  {editable && <th scope="col">{t.actions}</th>}
                </tr>
              </thead>
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.name} data-testid="role-row" data-role={r.name}>
                    <th scope="row" className="mono">
                      {r.name} {r.builtin && <span className="status-pill">{t.builtinRole}</span>}
                    </th>
                    <td>{roleText(r, lang)}</td>
                    <td>
                      <ul className="permission-list">
                        {r.permissions.map((p) => (
                          <li key={p}>
                            <code title={permissionText(p, undefined, lang)}>{p}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                    {editable && (
                      <td className="nowrap">
                        {r.builtin ? (
                          <span className="muted small">{t.readOnly}</span>
                        ) : (
                          <>
                            <button
                              type="button"
                              className="button"
                              onClick={() => setEditing(r.name)}
                              data-testid="role-edit"
                            >
                              {t.edit}
                            </button>{' '}
                            <button
                              type="button"
                              className="button"
                              onClick={() => remove(r)}
                              data-testid="role-delete"
                            >
                              {t.deleteAction}
                            </button>
                          </>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListCard>
    </div>
  );
}

function RoleForm({
  role,
  permissions,
  onDone,
}: {
  role: Role | null;
  permissions: PermissionInfo[];
  onDone: (changed: boolean) => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [chosen, setChosen] = useState<string[]>(role?.permissions ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { name: useId(), description: useId(), title: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (chosen.length === 0) {
      setError(t.choosePermission);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = { description: description.trim(), permissions: chosen };
      if (role) await sendJson<Role>('PUT', buildUrl(`/roles/${encodeURIComponent(role.name)}`), body);
      else await sendJson<Role>('POST', buildUrl('/roles'), { name: name.trim(), ...body });
      onDone(true);
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <form className="card form-card" onSubmit={submit} aria-labelledby={ids.title} data-testid="role-form">
      <h2 id={ids.title}>{role ? `${t.editRole} ${role.name}` : t.newRole}</h2>
      <div className="filter-grid">
        <div className="field">
          <label htmlFor={ids.name}>{t.roleName}</label>
          <input
            id={ids.name}
            required
            readOnly={!!role}
            pattern="[a-z][a-z0-9_\-]{1,39}"
            title={t.roleNameHint}
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="role-name"
          />
        </div>
        <div className="field grow">
          <label htmlFor={ids.description}>{t.description}</label>
          <input
            id={ids.description}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            data-testid="role-description"
          />
        </div>
      </div>
      <PermissionPicker
        items={permissions}
        value={chosen}
        onChange={setChosen}
        legend={t.permissions}
        testId="role-permissions"
      />
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy} data-testid="role-save">
          {t.save}
        </button>
        <button type="button" className="button" onClick={() => onDone(false)}>
          {t.cancel}
        </button>
        {error && (
          <p className="form-message bad" role="alert" data-testid="role-form-error">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
