import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { sendJson, sendNoContent } from '../api.ts';
import { ListCard } from '../components/Status.tsx';
import { WorkNav } from '../components/WorkNav.tsx';
import { formatDateTime } from '../format.ts';
import { Link, withQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';
import {
  type Agent,
  ATTRIBUTE_TYPES,
  type AttributeField,
  type AttributeType,
  type Callback,
  failureText,
  levelsOf,
  levelsText,
  MEDIA_TYPES,
  type NoAgentRules,
  PRESENCES,
  parseList,
  presenceLabel,
  ROUTING_METHODS,
  requiredSkillsOf,
  requiredSkillsText,
  type SlaPolicy,
  useWorkText,
  WORK_ACTIONS,
  WORKBIN_OWNER_KINDS,
  type Workbin,
  type WorkLabels,
  type WorkQueue,
  type WorkType,
  workUrl,
} from '../work.ts';

const TABS = [
  { key: 'types', label: 'tabTypes' },
  { key: 'queues', label: 'tabQueues' },
  { key: 'workbins', label: 'tabWorkbins' },
  { key: 'agents', label: 'tabAgents' },
] as const;
type Tab = (typeof TABS)[number]['key'];

interface Lists {
  queues: WorkQueue[];
  workbins: Workbin[];
}

/** Work setup (work:admin): work types, queues, workbins and agents — list, create, edit, delete. */
export default function WorkAdmin({ query }: { query: URLSearchParams }) {
  const { w } = useWorkText();
  const tab: Tab = TABS.find((t) => t.key === query.get('tab'))?.key ?? 'types';
  const lang = query.get('lang');
  const queues = useApi<{ items: WorkQueue[] }>(workUrl('/queues'), { cached: false });
  const workbins = useApi<{ items: Workbin[] }>(workUrl('/workbins'), { cached: false });
  const lists: Lists = { queues: queues.data?.items ?? [], workbins: workbins.data?.items ?? [] };
  const changed = () => {
    queues.reload();
    workbins.reload();
  };

  return (
    <div className="page" data-testid="page-work-admin">
      <div className="page-head">
        <h1>{w.navWorkAdmin}</h1>
        <p className="muted">{w.adminIntro}</p>
      </div>
      <WorkNav />
      <nav className="sub-nav work-tabs" aria-label={w.navWorkAdmin}>
        {TABS.map((t) => (
          <Link
            key={t.key}
            href={withQuery('/work/admin', { tab: t.key, ...(lang ? { lang } : {}) })}
            aria-current={tab === t.key ? 'page' : undefined}
            data-testid={`work-tab-${t.key}`}
          >
            {w[t.label]}
          </Link>
        ))}
      </nav>
      {tab === 'types' && (
        <Definitions<WorkType>
          key="types"
          path="/types"
          title={w.tabTypes}
          newLabel={w.newType}
          emptyLabel={w.noTypes}
          testId="types"
          columns={[w.id, w.name, w.defaultQueue, w.priority, w.slaSeconds, w.requiredSkills]}
          cells={(d) => [
            d.defaultQueueId ?? '—',
            d.priority,
            d.slaSeconds ?? '—',
            requiredSkillsText(d.requiredSkills) || '—',
          ]}
          form={(initial, done) => <WorkTypeForm initial={initial} lists={lists} onDone={done} />}
          onChanged={changed}
        />
      )}
      {tab === 'queues' && (
        <Definitions<WorkQueue>
          key="queues"
          path="/queues"
          title={w.tabQueues}
          newLabel={w.newQueue}
          emptyLabel={w.noQueues}
          testId="queues"
          columns={[w.id, w.name, w.routing, w.division]}
          cells={(d) => [w[`routing_${d.routingMethod}`], d.divisionId]}
          form={(initial, done) => <QueueForm initial={initial} lists={lists} onDone={done} />}
          onChanged={changed}
        />
      )}
      {tab === 'workbins' && (
        <Definitions<Workbin>
          key="workbins"
          path="/workbins"
          title={w.tabWorkbins}
          newLabel={w.newWorkbin}
          emptyLabel={w.noWorkbins}
          testId="workbins"
          columns={[w.id, w.name, w.owner, w.division]}
          cells={(d) => [`${w[`owner_${d.ownerKind}`]} · ${d.ownerId}`, d.divisionId]}
          form={(initial, done) => <WorkbinForm initial={initial} lists={lists} onDone={done} />}
          onChanged={changed}
        />
      )}
      {tab === 'agents' && (
        <Definitions<Agent>
          key="agents"
          path="/agents"
          title={w.tabAgents}
          newLabel={w.newAgent}
          emptyLabel={w.noAgents}
          testId="agents"
          columns={[w.id, w.name, w.userId, w.skills, w.capacity, w.queues, w.presence]}
          cells={(d) => [
            d.userId ?? '—',
            levelsText(d.skills) || '—',
            levelsText(d.capacity) || '—',
            d.queues.join(', ') || '—',
            presenceLabel(w, d.presence),
          ]}
          form={(initial, done) => <AgentForm initial={initial} lists={lists} onDone={done} />}
          onChanged={changed}
        />
      )}
    </div>
  );
}

interface Definition {
  id: string;
  name: string;
  updatedAt: string;
}

/** One kind of definition: its table with edit and delete, and the form to create or edit one. */
function Definitions<T extends Definition>({
  path,
  title,
  newLabel,
  emptyLabel,
  testId,
  columns,
  cells,
  form,
  onChanged,
}: {
  path: string;
  title: string;
  newLabel: string;
  emptyLabel: string;
  testId: string;
  columns: string[];
  cells: (d: T) => ReactNode[];
  form: (initial: T | null, done: (changed: boolean) => void) => ReactNode;
  onChanged: () => void;
}) {
  const { w, lang } = useWorkText();
  const list = useApi<{ items: T[] }>(workUrl(path), { cached: false });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const edited = list.data?.items.find((d) => d.id === editing) ?? null;
  const headingId = useId();

  const done = (text: string) => (changed: boolean) => {
    setEditing(null);
    if (changed) {
      setMessage({ ok: true, text });
      list.reload();
      onChanged();
    }
  };

  const remove = async (d: T) => {
    if (!window.confirm(w.confirmDelete.replace('{name}', d.name))) return;
    try {
      await sendNoContent('DELETE', workUrl(`${path}/${encodeURIComponent(d.id)}`));
      setMessage({ ok: true, text: `${w.deleted}: ${d.id}` });
      list.reload();
      onChanged();
    } catch (e) {
      setMessage({ ok: false, text: failureText(e, w.conflict) });
    }
  };

  return (
    <>
      {editing === null && (
        <div className="form-actions">
          <button
            type="button"
            className="button primary"
            onClick={() => {
              setMessage(null);
              setEditing('new');
            }}
            data-testid={`${testId}-new`}
          >
            {newLabel}
          </button>
        </div>
      )}
      {message && (
        <p
          className={message.ok ? 'form-message good' : 'form-message bad'}
          role={message.ok ? 'status' : 'alert'}
          data-testid={`${testId}-message`}
        >
          {message.text}
        </p>
      )}
      {editing === 'new' && form(null, done(w.created))}
      {edited && <div key={edited.id}>{form(edited, done(`${w.saved}: ${edited.id}`))}</div>}
      <ListCard id={headingId} title={title} answer={list} empty={emptyLabel}>
        {(d) => (
          <div className="table-wrap">
            <table className="data-table" data-testid={`${testId}-table`}>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                  <th scope="col">{w.updated}</th>
                  <th scope="col">{w.actions}</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((item) => (
                  <tr
                    key={item.id}
                    className={editing === item.id ? 'selected' : undefined}
                    data-testid={`${testId}-row`}
                    data-id={item.id}
                  >
                    <td className="mono">{item.id}</td>
                    <td>{item.name}</td>
                    {cells(item).map((cell, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed
                      <td key={i}>{cell}</td>
                    ))}
                    <td className="nowrap">{formatDateTime(item.updatedAt, lang)}</td>
                    <td className="nowrap">
                      <button
                        type="button"
                        className="button"
                        onClick={() => {
                          setMessage(null);
                          setEditing(item.id);
                        }}
                        data-testid={`${testId}-edit`}
                      >
                        {w.edit}
                      </button>{' '}
                      <button
                        type="button"
                        className="button"
                        onClick={() => remove(item)}
                        data-testid={`${testId}-delete`}
                      >
                        {w.delete}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListCard>
    </>
  );
}

// Form building blocks.

function TextField({
  label,
  hint,
  value,
  onChange,
  required,
  disabled,
  type = 'text',
  testId,
  wide,
}: {
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
  required?: boolean;
  disabled?: boolean;
  type?: 'text' | 'number' | 'url';
  testId: string;
  wide?: boolean;
}) {
  const id = useId();
  const hintId = useId();
  return (
    <div className={wide ? 'field field-wide' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        required={required}
        disabled={disabled}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={hint ? hintId : undefined}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
      {hint && (
        <span id={hintId} className="hint small muted">
          {hint}
        </span>
      )}
    </div>
  );
}

function SelectField({
  label,
  value,
  onChange,
  options,
  testId,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
  testId: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Create (POST with the id) or replace (PUT without it); the form shows the API's error. */
function DefinitionForm({
  title,
  path,
  initialId,
  build,
  onDone,
  afterSave,
  testId,
  children,
}: {
  title: string;
  path: string;
  initialId: string | null;
  /** A further request once the definition is saved (its error shows in the form). */
  afterSave?: () => Promise<void>;
  /** The body without the id; throws an Error naming the field when the text of a field is wrong. */
  build: () => Record<string, unknown>;
  onDone: (changed: boolean) => void;
  testId: string;
  children: (id: { value: string; set: (v: string) => void }) => ReactNode;
}) {
  const { w } = useWorkText();
  const [id, setId] = useState(initialId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = build();
      if (initialId) await sendJson('PUT', workUrl(`${path}/${encodeURIComponent(initialId)}`), body);
      else await sendJson('POST', workUrl(path), { id: id.trim(), ...body });
      await afterSave?.();
      onDone(true);
    } catch (e) {
      setError(failureText(e, w.conflict));
      setBusy(false);
    }
  };

  return (
    <form
      className="card form-card"
      onSubmit={submit}
      aria-labelledby={titleId}
      data-testid={`${testId}-form`}
    >
      <h2 id={titleId}>
        {title}
        {initialId && <span className="mono"> {initialId}</span>}
      </h2>
      {children({ value: id, set: setId })}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy} data-testid={`${testId}-save`}>
          {initialId ? w.save : w.create}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => onDone(false)}
          data-testid={`${testId}-cancel`}
        >
          {w.cancel}
        </button>
        {error && (
          <p className="form-message bad" role="alert" data-testid={`${testId}-error`}>
            {error}
          </p>
        )}
      </div>
    </form>
  );
}

function IdField({
  id,
  creating,
  testId,
}: {
  id: { value: string; set: (v: string) => void };
  creating: boolean;
  testId: string;
}) {
  const { w } = useWorkText();
  if (!creating) return null;
  return (
    <TextField label={w.id} hint={w.idHint} value={id.value} onChange={id.set} required testId={testId} />
  );
}

const optional = (text: string) => (text.trim() === '' ? null : text.trim());
function optionalNumber(text: string, field: string): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`${field}: ${text} is not a number`);
  return n;
}
const numberText = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

// SLA policy (work types and queues share it).

interface SlaDraft {
  threshold: string;
  kind: SlaPolicy['escalation']['kind'];
  target: string;
}
const slaDraft = (p: SlaPolicy | null): SlaDraft => ({
  threshold: numberText(p?.thresholdPercent),
  kind: p?.escalation.kind ?? 'supervisor-workbin',
  target: p ? (p.escalation.kind === 'reassign-group' ? p.escalation.groupId : p.escalation.workbinId) : '',
});
function slaOf(d: SlaDraft, w: WorkLabels): SlaPolicy | null {
  const thresholdPercent = optionalNumber(d.threshold, w.slaThreshold);
  if (thresholdPercent === null) return null;
  const target = d.target.trim();
  return {
    thresholdPercent,
    escalation:
      d.kind === 'reassign-group' ? { kind: d.kind, groupId: target } : { kind: d.kind, workbinId: target },
  };
}

function SlaFields({
  value,
  onChange,
  testId,
}: {
  value: SlaDraft;
  onChange: (d: SlaDraft) => void;
  testId: string;
}) {
  const { w } = useWorkText();
  return (
    <fieldset className="form-group">
      <legend>{w.slaEscalation}</legend>
      <div className="filter-grid">
        <TextField
          label={w.slaThreshold}
          hint={w.slaThresholdHint}
          type="number"
          value={value.threshold}
          onChange={(threshold) => onChange({ ...value, threshold })}
          testId={`${testId}-threshold`}
        />
        <SelectField
          label={w.slaKind}
          value={value.kind}
          onChange={(kind) => onChange({ ...value, kind: kind as SlaDraft['kind'] })}
          options={[
            { value: 'supervisor-workbin', label: w.slaSupervisorWorkbin },
            { value: 'reassign-group', label: w.slaReassignGroup },
          ]}
          testId={`${testId}-kind`}
        />
        <TextField
          label={w.slaTarget}
          value={value.target}
          onChange={(target) => onChange({ ...value, target })}
          testId={`${testId}-target`}
        />
      </div>
    </fieldset>
  );
}

// Work types.

interface FieldDraft {
  key: number;
  name: string;
  type: AttributeType;
  required: boolean;
  enumText: string;
}

function WorkTypeForm({
  initial,
  lists,
  onDone,
}: {
  initial: WorkType | null;
  lists: Lists;
  onDone: (changed: boolean) => void;
}) {
  const { w } = useWorkText();
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [division, setDivision] = useState(initial?.divisionId ?? '');
  const [queueId, setQueueId] = useState(initial?.defaultQueueId ?? '');
  const [workbinId, setWorkbinId] = useState(initial?.defaultWorkbinId ?? '');
  const [priority, setPriority] = useState(String(initial?.priority ?? 0));
  const [sla, setSla] = useState(numberText(initial?.slaSeconds));
  const [skills, setSkills] = useState(requiredSkillsText(initial?.requiredSkills ?? []));
  const [fields, setFields] = useState<FieldDraft[]>(() =>
    Object.entries(initial?.attributeSchema ?? {}).map(([fieldName, f], key) => ({
      key,
      name: fieldName,
      type: f.type,
      required: f.required ?? false,
      enumText: (f.enum ?? []).join(', '),
    })),
  );
  const [waiting, setWaiting] = useState((initial?.waitingStatuses ?? []).join(', '));
  const [escalation, setEscalation] = useState(slaDraft(initial?.slaEscalation ?? null));
  const [callbackUrl, setCallbackUrl] = useState(initial?.callback?.url ?? '');
  const [secretEnv, setSecretEnv] = useState(initial?.callback?.secretEnv ?? '');
  const [callbackOn, setCallbackOn] = useState<Callback['transitions']>(
    initial?.callback?.transitions ?? ['complete'],
  );

  const build = () => {
    const attributeSchema: Record<string, AttributeField> = {};
    for (const f of fields) {
      if (f.name.trim() === '') continue;
      const values = parseList(f.enumText);
      attributeSchema[f.name.trim()] = {
        type: f.type,
        ...(f.required ? { required: true } : {}),
        ...(values.length ? { enum: f.type === 'number' ? values.map(Number) : values } : {}),
      };
    }
    const url = callbackUrl.trim();
    return {
      name,
      description: optional(description),
      ...(division.trim() ? { divisionId: division.trim() } : {}),
      defaultQueueId: optional(queueId),
      defaultWorkbinId: optional(workbinId),
      priority: optionalNumber(priority, w.priority) ?? 0,
      slaSeconds: optionalNumber(sla, w.slaSeconds),
      requiredSkills: requiredSkillsOf(skills),
      attributeSchema,
      waitingStatuses: parseList(waiting),
      slaEscalation: slaOf(escalation, w),
      callback: url
        ? { url, ...(secretEnv.trim() ? { secretEnv: secretEnv.trim() } : {}), transitions: callbackOn }
        : null,
    };
  };

  const none = { value: '', label: w.none };
  return (
    <DefinitionForm
      title={initial ? w.editing : w.newType}
      path="/types"
      initialId={initial?.id ?? null}
      build={build}
      onDone={onDone}
      testId="type"
    >
      {(id) => (
        <>
          <div className="filter-grid">
            <IdField id={id} creating={!initial} testId="type-id" />
            <TextField label={w.name} value={name} onChange={setName} required testId="type-name" />
            <TextField
              label={w.description}
              value={description}
              onChange={setDescription}
              testId="type-description"
              wide
            />
            <TextField
              label={w.division}
              hint={w.divisionHint}
              value={division}
              onChange={setDivision}
              testId="type-division"
            />
          </div>
          <div className="filter-grid">
            <SelectField
              label={w.defaultQueue}
              value={queueId}
              onChange={setQueueId}
              options={[none, ...lists.queues.map((q) => ({ value: q.id, label: `${q.name} (${q.id})` }))]}
              testId="type-queue"
            />
            <SelectField
              label={w.defaultWorkbin}
              value={workbinId}
              onChange={setWorkbinId}
              options={[none, ...lists.workbins.map((b) => ({ value: b.id, label: `${b.name} (${b.id})` }))]}
              testId="type-workbin"
            />
            <TextField
              label={w.priority}
              hint={w.priorityHint}
              type="number"
              value={priority}
              onChange={setPriority}
              testId="type-priority"
            />
            <TextField
              label={w.slaSeconds}
              hint={w.slaHint}
              type="number"
              value={sla}
              onChange={setSla}
              testId="type-sla"
            />
          </div>
          <div className="filter-grid">
            <TextField
              label={w.requiredSkills}
              hint={w.requiredSkillsHint}
              value={skills}
              onChange={setSkills}
              testId="type-skills"
              wide
            />
            <TextField
              label={w.waitingStatuses}
              hint={w.waitingStatusesHint}
              value={waiting}
              onChange={setWaiting}
              testId="type-waiting"
              wide
            />
          </div>
          <AttributeFields fields={fields} onChange={setFields} />
          <SlaFields value={escalation} onChange={setEscalation} testId="type-sla-policy" />
          <fieldset className="form-group">
            <legend>{w.callback}</legend>
            <div className="filter-grid">
              <TextField
                label={w.callbackUrl}
                hint={w.callbackUrlHint}
                type="url"
                value={callbackUrl}
                onChange={setCallbackUrl}
                testId="type-callback-url"
                wide
              />
              <TextField
                label={w.callbackSecretEnv}
                value={secretEnv}
                onChange={setSecretEnv}
                testId="type-callback-secret"
              />
            </div>
            <fieldset className="form-group check-row">
              <legend>{w.callbackTransitions}</legend>
              {WORK_ACTIONS.map((a) => (
                <label key={a} className="check">
                  <input
                    type="checkbox"
                    checked={callbackOn.includes(a)}
                    onChange={(e) =>
                      setCallbackOn(e.target.checked ? [...callbackOn, a] : callbackOn.filter((x) => x !== a))
                    }
                  />
                  <span className="mono">{a}</span>
                </label>
              ))}
            </fieldset>
          </fieldset>
        </>
      )}
    </DefinitionForm>
  );
}

function AttributeFields({
  fields,
  onChange,
}: {
  fields: FieldDraft[];
  onChange: (f: FieldDraft[]) => void;
}) {
  const { w } = useWorkText();
  const set = (key: number, change: Partial<FieldDraft>) =>
    onChange(fields.map((f) => (f.key === key ? { ...f, ...change } : f)));
  return (
    <fieldset className="form-group" data-testid="type-attributes">
      <legend>{w.attributeSchema}</legend>
      {fields.map((f, i) => (
        <div key={f.key} className="filter-grid attribute-row" data-testid="type-attribute">
          <TextField
            label={`${w.attributeName} ${i + 1}`}
            value={f.name}
            onChange={(name) => set(f.key, { name })}
            testId="attribute-name"
          />
          <SelectField
            label={w.attributeType}
            value={f.type}
            onChange={(type) => set(f.key, { type: type as AttributeType })}
            options={ATTRIBUTE_TYPES.map((t) => ({ value: t, label: t }))}
            testId="attribute-type"
          />
          <label className="check toggle-field">
            <input
              type="checkbox"
              checked={f.required}
              onChange={(e) => set(f.key, { required: e.target.checked })}
            />
            {w.attributeRequired}
          </label>
          <TextField
            label={w.attributeEnum}
            hint={w.attributeEnumHint}
            value={f.enumText}
            onChange={(enumText) => set(f.key, { enumText })}
            testId="attribute-enum"
          />
          <button
            type="button"
            className="button"
            onClick={() => onChange(fields.filter((x) => x.key !== f.key))}
          >
            {w.removeField}
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button"
        onClick={() =>
          onChange([
            ...fields,
            {
              key: Math.max(-1, ...fields.map((f) => f.key)) + 1,
              name: '',
              type: 'string',
              required: false,
              enumText: '',
            },
          ])
        }
        data-testid="attribute-add"
      >
        {w.addField}
      </button>
    </fieldset>
  );
}

// Queues.

function QueueForm({
  initial,
  lists,
  onDone,
}: {
  initial: WorkQueue | null;
  lists: Lists;
  onDone: (changed: boolean) => void;
}) {
  const { w } = useWorkText();
  const rules: NoAgentRules = initial?.escalation.noAgent ?? {
    raisePriority: null,
    moveToQueue: null,
    alertSupervisor: null,
  };
  const [name, setName] = useState(initial?.name ?? '');
  const [division, setDivision] = useState(initial?.divisionId ?? '');
  const [routing, setRouting] = useState<WorkQueue['routingMethod']>(initial?.routingMethod ?? 'push');
  const [raiseAfter, setRaiseAfter] = useState(numberText(rules.raisePriority?.afterSeconds));
  const [raiseBy, setRaiseBy] = useState(numberText(rules.raisePriority?.by));
  const [raiseMax, setRaiseMax] = useState(numberText(rules.raisePriority?.max));
  const [moveAfter, setMoveAfter] = useState(numberText(rules.moveToQueue?.afterSeconds));
  const [moveQueue, setMoveQueue] = useState(rules.moveToQueue?.queueId ?? '');
  const [alertAfter, setAlertAfter] = useState(numberText(rules.alertSupervisor?.afterSeconds));
  const [alertWho, setAlertWho] = useState(rules.alertSupervisor?.supervisorId ?? '');
  const [sla, setSla] = useState(slaDraft(initial?.escalation.sla ?? null));

  const build = () => {
    const raise = optionalNumber(raiseAfter, `${w.raisePriority} ${w.afterSeconds}`);
    const move = optionalNumber(moveAfter, `${w.moveToQueue} ${w.afterSeconds}`);
    const alert = optionalNumber(alertAfter, `${w.alertSupervisor} ${w.afterSeconds}`);
    return {
      name,
      ...(division.trim() ? { divisionId: division.trim() } : {}),
      routingMethod: routing,
      escalation: {
        noAgent: {
          raisePriority:
            raise === null
              ? null
              : {
                  afterSeconds: raise,
                  by: optionalNumber(raiseBy, w.raiseBy) ?? 1,
                  max: optionalNumber(raiseMax, w.raiseMax) ?? 1_000_000,
                },
          moveToQueue: move === null ? null : { afterSeconds: move, queueId: moveQueue },
          alertSupervisor: alert === null ? null : { afterSeconds: alert, supervisorId: optional(alertWho) },
        },
        sla: slaOf(sla, w),
      },
    };
  };

  return (
    <DefinitionForm
      title={initial ? w.editing : w.newQueue}
      path="/queues"
      initialId={initial?.id ?? null}
      build={build}
      onDone={onDone}
      testId="queue"
    >
      {(id) => (
        <>
          <div className="filter-grid">
            <IdField id={id} creating={!initial} testId="queue-id" />
            <TextField label={w.name} value={name} onChange={setName} required testId="queue-name" />
            <TextField
              label={w.division}
              hint={w.divisionHint}
              value={division}
              onChange={setDivision}
              testId="queue-division"
            />
            <SelectField
              label={w.routing}
              value={routing}
              onChange={(v) => setRouting(v as WorkQueue['routingMethod'])}
              options={ROUTING_METHODS.map((m) => ({ value: m, label: w[`routing_${m}`] }))}
              testId="queue-routing"
            />
          </div>
          <fieldset className="form-group">
            <legend>{w.noAgentRules}</legend>
            <div className="filter-grid">
              <TextField
                label={`${w.raisePriority} ${w.afterSeconds}`}
                hint={w.afterSecondsHint}
                type="number"
                value={raiseAfter}
                onChange={setRaiseAfter}
                testId="queue-raise-after"
              />
              <TextField
                label={w.raiseBy}
                type="number"
                value={raiseBy}
                onChange={setRaiseBy}
                testId="queue-raise-by"
              />
              <TextField
                label={w.raiseMax}
                type="number"
                value={raiseMax}
                onChange={setRaiseMax}
                testId="queue-raise-max"
              />
            </div>
            <div className="filter-grid">
              <TextField
                label={`${w.moveToQueue} ${w.afterSeconds}`}
                hint={w.afterSecondsHint}
                type="number"
                value={moveAfter}
                onChange={setMoveAfter}
                testId="queue-move-after"
              />
              <SelectField
                label={w.moveToQueue}
                value={moveQueue}
                onChange={setMoveQueue}
                options={[
                  { value: '', label: w.none },
                  ...lists.queues
                    .filter((q) => q.id !== initial?.id)
                    .map((q) => ({ value: q.id, label: `${q.name} (${q.id})` })),
                ]}
                testId="queue-move-to"
              />
            </div>
            <div className="filter-grid">
              <TextField
                label={`${w.alertSupervisor} ${w.afterSeconds}`}
                hint={w.afterSecondsHint}
                type="number"
                value={alertAfter}
                onChange={setAlertAfter}
                testId="queue-alert-after"
              />
              <TextField
                label={w.supervisorId}
                value={alertWho}
                onChange={setAlertWho}
                testId="queue-alert-who"
              />
            </div>
          </fieldset>
          <SlaFields value={sla} onChange={setSla} testId="queue-sla" />
        </>
      )}
    </DefinitionForm>
  );
}

// Workbins.

function WorkbinForm({
  initial,
  lists,
  onDone,
}: {
  initial: Workbin | null;
  lists: Lists;
  onDone: (changed: boolean) => void;
}) {
  const { w } = useWorkText();
  const [name, setName] = useState(initial?.name ?? '');
  const [division, setDivision] = useState(initial?.divisionId ?? '');
  const [ownerKind, setOwnerKind] = useState<Workbin['ownerKind']>(initial?.ownerKind ?? 'queue');
  const [ownerId, setOwnerId] = useState(initial?.ownerId ?? '');
  const build = () => ({
    name,
    ...(division.trim() ? { divisionId: division.trim() } : {}),
    ownerKind,
    ownerId: ownerId.trim(),
  });
  return (
    <DefinitionForm
      title={initial ? w.editing : w.newWorkbin}
      path="/workbins"
      initialId={initial?.id ?? null}
      build={build}
      onDone={onDone}
      testId="workbin"
    >
      {(id) => (
        <div className="filter-grid">
          <IdField id={id} creating={!initial} testId="workbin-id" />
          <TextField label={w.name} value={name} onChange={setName} required testId="workbin-name" />
          <TextField
            label={w.division}
            hint={w.divisionHint}
            value={division}
            onChange={setDivision}
            testId="workbin-division"
          />
          <SelectField
            label={w.ownerKind}
            value={ownerKind}
            onChange={(v) => setOwnerKind(v as Workbin['ownerKind'])}
            options={WORKBIN_OWNER_KINDS.map((k) => ({ value: k, label: w[`owner_${k}`] }))}
            testId="workbin-owner-kind"
          />
          {ownerKind === 'queue' ? (
            <SelectField
              label={w.ownerId}
              value={ownerId}
              onChange={setOwnerId}
              options={[
                { value: '', label: w.none },
                ...lists.queues.map((q) => ({ value: q.id, label: `${q.name} (${q.id})` })),
              ]}
              testId="workbin-owner"
            />
          ) : (
            <TextField
              label={w.ownerId}
              hint={w.ownerIdHint}
              value={ownerId}
              onChange={setOwnerId}
              required
              testId="workbin-owner"
            />
          )}
        </div>
      )}
    </DefinitionForm>
  );
}

// Agents.

function AgentForm({
  initial,
  lists,
  onDone,
}: {
  initial: Agent | null;
  lists: Lists;
  onDone: (changed: boolean) => void;
}) {
  const { w } = useWorkText();
  const [name, setName] = useState(initial?.name ?? '');
  const [userId, setUserId] = useState(initial?.userId ?? '');
  const [externalAgentId, setExternalAgentId] = useState(initial?.externalAgentId ?? '');
  const [division, setDivision] = useState(initial?.divisionId ?? '');
  const [skills, setSkills] = useState(levelsText(initial?.skills ?? {}));
  const [languages, setLanguages] = useState((initial?.languages ?? []).join(', '));
  const [capacity, setCapacity] = useState(levelsText(initial?.capacity ?? { workitem: 1 }));
  const [queues, setQueues] = useState<string[]>(initial?.queues ?? []);
  const [teams, setTeams] = useState((initial?.teams ?? []).join(', '));
  const [presence, setPresence] = useState(initial?.presence ?? 'offline');

  const build = () => {
    const caps = levelsOf(capacity);
    const unknown = Object.keys(caps).filter((k) => !(MEDIA_TYPES as readonly string[]).includes(k));
    if (unknown.length) throw new Error(`${w.capacity}: ${unknown.join(', ')} ∉ ${MEDIA_TYPES.join(', ')}`);
    return {
      name,
      userId: optional(userId),
      externalAgentId: optional(externalAgentId),
      ...(division.trim() ? { divisionId: division.trim() } : {}),
      skills: levelsOf(skills),
      languages: parseList(languages),
      capacity: caps,
      queues,
      teams: parseList(teams),
    };
  };

  return (
    <DefinitionForm
      title={initial ? w.editing : w.newAgent}
      path="/agents"
      initialId={initial?.id ?? null}
      build={build}
      onDone={onDone}
      afterSave={async () => {
        // Presence is its own request (PUT /agents/:id/presence).
        if (initial && presence !== initial.presence)
          await sendJson('PUT', workUrl(`/agents/${encodeURIComponent(initial.id)}/presence`), { presence });
      }}
      testId="agent"
    >
      {(id) => (
        <>
          <div className="filter-grid">
            <IdField id={id} creating={!initial} testId="agent-id" />
            <TextField label={w.name} value={name} onChange={setName} required testId="agent-name" />
            <TextField
              label={w.userId}
              hint={w.userIdHint}
              value={userId}
              onChange={setUserId}
              testId="agent-user"
            />
            <TextField
              label={w.externalAgentId}
              hint={w.externalAgentIdHint}
              value={externalAgentId}
              onChange={setExternalAgentId}
              testId="agent-external-id"
            />
            <TextField
              label={w.division}
              hint={w.divisionHint}
              value={division}
              onChange={setDivision}
              testId="agent-division"
            />
            {initial && (
              <SelectField
                label={w.presence}
                value={presence}
                onChange={(v) => setPresence(v as Agent['presence'])}
                options={PRESENCES.map((p) => ({ value: p, label: presenceLabel(w, p) }))}
                testId="agent-presence"
              />
            )}
          </div>
          <div className="filter-grid">
            <TextField
              label={w.skills}
              hint={w.skillsHint}
              value={skills}
              onChange={setSkills}
              testId="agent-skills"
              wide
            />
            <TextField
              label={w.languages}
              hint={w.languagesHint}
              value={languages}
              onChange={setLanguages}
              testId="agent-languages"
            />
            <TextField
              label={w.capacity}
              hint={w.capacityHint}
              value={capacity}
              onChange={setCapacity}
              testId="agent-capacity"
              wide
            />
            <TextField
              label={w.teams}
              hint={w.teamsHint}
              value={teams}
              onChange={setTeams}
              testId="agent-teams"
            />
          </div>
          <fieldset className="form-group check-row" data-testid="agent-queues">
            <legend>{w.queues}</legend>
            {lists.queues.length === 0 && <p className="muted small">{w.noQueues}</p>}
            {lists.queues.map((q) => (
              <label key={q.id} className="check">
                <input
                  type="checkbox"
                  checked={queues.includes(q.id)}
                  onChange={(e) =>
                    setQueues(e.target.checked ? [...queues, q.id] : queues.filter((x) => x !== q.id))
                  }
                  data-testid={`agent-queue-${q.id}`}
                />
                {q.name} <span className="mono small muted">{q.id}</span>
              </label>
            ))}
          </fieldset>
        </>
      )}
    </DefinitionForm>
  );
}
