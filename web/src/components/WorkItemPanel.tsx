import { type FormEvent, useId, useState } from 'react';
import { ApiError, sendJson } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { useApi } from '../useApi.ts';
import {
  AGENT_ACTIONS,
  type AttributeValue,
  actionLabel,
  attributeValue,
  caseHref,
  customerSearchHref,
  failureText,
  itemUrl,
  statusLabel,
  statusTone,
  transition,
  useWorkText,
  type WorkItem,
  type WorkType,
  workUrl,
} from '../work.ts';

/**
 * One of the agent's work items: what it is, the actions its status allows (start, pause, resume, wait,
 * complete, cancel — from the item's allowedActions), and its attributes to edit. Every change sends the
 * version shown; a 409 says the item changed meanwhile and offers to reload it.
 */
export function WorkItemPanel({
  itemId,
  onChanged,
  onClose,
}: {
  itemId: string;
  onChanged: () => void;
  onClose: () => void;
}) {
  const { w, lang } = useWorkText();
  const item = useApi<WorkItem>(itemUrl(itemId), { cached: false });
  const type = useApi<WorkType>(item.data ? workUrl(`/types/${encodeURIComponent(item.data.typeId)}`) : null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; conflict: boolean; text: string } | null>(null);
  const [waitingStatus, setWaitingStatus] = useState('');
  const titleId = useId();
  const waitId = useId();

  if (item.error)
    return (
      <p className="form-message bad" role="alert" data-testid="work-item-error">
        {item.error.message}
      </p>
    );
  const it = item.data;
  if (!it) return null;
  const waitingStatuses = type.data?.waitingStatuses ?? [];
  const actions = AGENT_ACTIONS.filter((a) => it.allowedActions.includes(a));

  const run = async (body: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await body();
      setMessage({ ok: true, conflict: false, text: done });
      item.reload();
      onChanged();
    } catch (e) {
      const conflict = e instanceof ApiError && e.status === 409;
      setMessage({ ok: false, conflict, text: failureText(e, w.conflict) });
    }
    setBusy(false);
  };

  const act = (action: (typeof AGENT_ACTIONS)[number]) =>
    run(
      () =>
        transition(it.id, {
          action,
          expectedVersion: it.version,
          ...(action === 'wait' ? { waitingStatus: waitingStatus || waitingStatuses[0] } : {}),
        }),
      actionLabel(w, action),
    );

  return (
    <section
      className="card work-item-panel"
      aria-labelledby={titleId}
      data-testid="work-item"
      data-status={it.status}
    >
      <div className="work-item-head">
        <h2 id={titleId} className="card-title">
          {it.title}
        </h2>
        <button type="button" className="button" onClick={onClose} data-testid="work-item-close">
          {w.close}
        </button>
      </div>
      <dl className="work-facts">
        <dt>{w.status}</dt>
        <dd>
          <span className={`status-pill ${statusTone(it.status)}`} data-testid="work-item-status">
            {statusLabel(w, it.status)}
            {it.waitingStatus ? ` · ${it.waitingStatus}` : ''}
          </span>
        </dd>
        <dt>{w.type}</dt>
        <dd>{type.data?.name ?? it.typeId}</dd>
        <dt>{w.priority}</dt>
        <dd>{it.priority}</dd>
        <dt>{w.due}</dt>
        <dd>{formatDateTime(it.dueAt, lang)}</dd>
        {it.customer && (
          <>
            <dt>{w.customer}</dt>
            <dd>
              <Link href={customerSearchHref(it.customer)}>{it.customer}</Link>
            </dd>
          </>
        )}
        {it.serviceRequest && (
          <>
            <dt>{w.case}</dt>
            <dd>
              <Link href={caseHref(it.serviceRequest)}>{it.serviceRequest}</Link>
            </dd>
          </>
        )}
        <dt>{w.version}</dt>
        <dd data-testid="work-item-version">{it.version}</dd>
      </dl>
      {it.description && <p className="work-item-description">{it.description}</p>}
      <div className="form-actions" data-testid="work-item-actions">
        {actions.includes('wait') && waitingStatuses.length > 0 && (
          <span className="field">
            <label htmlFor={waitId}>{w.waitingStatus}</label>
            <select id={waitId} value={waitingStatus} onChange={(e) => setWaitingStatus(e.target.value)}>
              {waitingStatuses.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </span>
        )}
        {actions
          .filter((a) => a !== 'wait' || waitingStatuses.length > 0)
          .map((a) => (
            <button
              key={a}
              type="button"
              className={a === 'start' || a === 'complete' ? 'button primary' : 'button'}
              disabled={busy}
              onClick={() => act(a)}
              data-testid={`work-action-${a}`}
            >
              {actionLabel(w, a)}
            </button>
          ))}
      </div>
      {message && (
        <div
          className={message.ok ? 'form-message good' : 'form-message bad'}
          role={message.ok ? 'status' : 'alert'}
          data-testid={message.conflict ? 'work-item-conflict' : 'work-item-message'}
        >
          {message.text}
          {message.conflict && (
            <>
              {' '}
              {w.conflictHint}{' '}
              <button
                type="button"
                className="button"
                onClick={() => {
                  setMessage(null);
                  item.reload();
                }}
              >
                {w.reload}
              </button>
            </>
          )}
        </div>
      )}
      {type.data && (
        <AttributesForm
          key={it.version}
          item={it}
          type={type.data}
          busy={busy}
          onSave={(attributes) =>
            run(() => sendJson('PATCH', itemUrl(it.id), { attributes, expectedVersion: it.version }), w.saved)
          }
        />
      )}
    </section>
  );
}

function AttributesForm({
  item,
  type,
  busy,
  onSave,
}: {
  item: WorkItem;
  type: WorkType;
  busy: boolean;
  onSave: (attributes: Record<string, AttributeValue>) => void;
}) {
  const { w } = useWorkText();
  const fields = Object.entries(type.attributeSchema);
  const [draft, setDraft] = useState<Record<string, { text: string; checked: boolean }>>(() =>
    Object.fromEntries(
      fields.map(([name]) => {
        const v = item.attributes[name];
        return [
          name,
          {
            text: v === null || v === undefined || typeof v === 'boolean' ? '' : String(v),
            checked: v === true,
          },
        ];
      }),
    ),
  );
  const open = item.allowedActions.includes('update');
  const titleId = useId();
  const baseId = useId();

  if (fields.length === 0) return <p className="muted small">{w.noAttributes}</p>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(
      Object.fromEntries(
        fields.map(([name, f]) => [
          name,
          attributeValue(f.type, draft[name]?.text ?? '', draft[name]?.checked ?? false),
        ]),
      ),
    );
  };

  return (
    <form onSubmit={submit} aria-labelledby={titleId} data-testid="work-attributes">
      <h3 id={titleId}>{w.attributes}</h3>
      <div className="filter-grid">
        {fields.map(([name, f]) => {
          const id = `${baseId}-${name}`;
          const value = draft[name] ?? { text: '', checked: false };
          const set = (change: Partial<typeof value>) =>
            setDraft({ ...draft, [name]: { ...value, ...change } });
          if (f.type === 'boolean')
            return (
              <label key={name} className="check toggle-field">
                <input
                  type="checkbox"
                  checked={value.checked}
                  disabled={!open}
                  onChange={(e) => set({ checked: e.target.checked })}
                  data-testid={`attribute-${name}`}
                />
                {name}
              </label>
            );
          return (
            <div key={name} className="field">
              <label htmlFor={id}>
                {name}
                {f.required ? ' *' : ''}
              </label>
              {f.enum ? (
                <select
                  id={id}
                  value={value.text}
                  disabled={!open}
                  onChange={(e) => set({ text: e.target.value })}
                  data-testid={`attribute-${name}`}
                >
                  <option value="">—</option>
                  {f.enum.map((v) => (
                    <option key={String(v)} value={String(v)}>
                      {String(v)}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  type={f.type === 'number' ? 'number' : 'text'}
                  placeholder={f.type === 'date' ? 'YYYY-MM-DD' : undefined}
                  value={value.text}
                  disabled={!open}
                  required={f.required}
                  onChange={(e) => set({ text: e.target.value })}
                  data-testid={`attribute-${name}`}
                />
              )}
            </div>
          );
        })}
      </div>
      {open && (
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy} data-testid="work-attributes-save">
            {w.saveAttributes}
          </button>
        </div>
      )}
    </form>
  );
}
