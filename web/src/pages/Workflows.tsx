import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import {
  ApiError,
  buildUrl,
  CONDITION_OPS,
  type ConditionOp,
  HTTP_METHODS,
  type HttpMethod,
  postJson,
  STEP_TYPES,
  type StepType,
  sendJson,
  WORKFLOW_FIELDS,
  type Workflow,
  type WorkflowRun,
  type WorkflowRunsResponse,
  type WorkflowStepResult,
  type WorkflowsResponse,
  type WorkflowTestResponse,
  type WorkflowVariablesResponse,
} from '../api.ts';
import { ApiState, Refreshing } from '../components/Status.tsx';
import { getOrganizationTimeZone } from '../filters.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { type Labels, useI18n } from '../i18n.ts';
import { updateQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';
import {
  type ConditionDraft,
  emptyCondition,
  emptyStep,
  emptyWorkflow,
  fromCondition,
  fromWorkflow,
  type StepDraft,
  testResults,
  toWorkflowInput,
  type WorkflowDraft,
} from '../workflows.ts';

/** Runs are polled this often while one is pending. */
const POLL_MS = 2_000;

const STEP_LABEL: Record<StepType, keyof Labels> = {
  http: 'step_http',
  sheets: 'step_sheets',
  warehouse: 'step_warehouse',
};

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

export default function Workflows({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const list = useApi<WorkflowsResponse>(buildUrl('/workflows'), { cached: false });
  const selected = query.get('workflow');
  const current =
    selected && selected !== 'new' ? list.data?.items.find((w) => String(w.id) === selected) : undefined;

  return (
    <div className="page" data-testid="page-workflows">
      <div className="page-head">
        <h1>{t.navWorkflows}</h1>
        <p className="muted">{t.workflowsIntro}</p>
        <button
          type="button"
          className="button primary push-right"
          onClick={() => updateQuery({ workflow: 'new' })}
          data-testid="workflow-new"
        >
          + {t.newWorkflow}
        </button>
      </div>
      <section className="card table-card" aria-labelledby="workflows-list">
        <Refreshing active={list.loading && !!list.data} />
        <h2 id="workflows-list" className="card-title">
          {t.workflowList}
        </h2>
        <ApiState
          data={list.data}
          error={list.error}
          reload={list.reload}
          isEmpty={(d) => d.items.length === 0}
          empty={t.noWorkflows}
        >
          {(d) => <WorkflowTable items={d.items} selected={selected} />}
        </ApiState>
      </section>
      {selected === 'new' && (
        <WorkflowEditor
          key="new"
          workflow={null}
          onSaved={(w) => {
            list.reload();
            updateQuery({ workflow: w ? String(w.id) : undefined });
          }}
        />
      )}
      {current && (
        <>
          <WorkflowEditor key={String(current.id)} workflow={current} onSaved={() => list.reload()} />
          <SampleTest key={`test-${current.id}`} workflow={current} />
          <Runs key={`runs-${current.id}`} workflow={current} />
        </>
      )}
      {selected && selected !== 'new' && list.data && !current && (
        <p className="status status-empty">{t.workflowNotFound}</p>
      )}
    </div>
  );
}

function WorkflowTable({ items, selected }: { items: Workflow[]; selected: string | null }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="workflows-table">
        <thead>
          <tr>
            <th scope="col">{t.workflowName}</th>
            <th scope="col">{t.workflowEnabled}</th>
            <th scope="col">{t.workflowTrigger}</th>
            <th scope="col">{t.conditions}</th>
            <th scope="col">{t.steps}</th>
            <th scope="col">
              <span className="visually-hidden">{t.actions}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((w) => (
            <tr
              key={w.id}
              data-testid="workflow-row"
              data-id={w.id}
              aria-current={selected === String(w.id) ? 'true' : undefined}
              className={selected === String(w.id) ? 'selected' : undefined}
            >
              <th scope="row">{w.name}</th>
              <td>
                <span className={`flag ${w.enabled ? 'good' : ''}`}>{w.enabled ? t.yes : t.no}</span>
              </td>
              <td>{triggerLabel(w.trigger, t)}</td>
              <td className="small">
                {w.conditions.length === 0
                  ? t.always
                  : w.conditions.map((c) => conditionText(fromCondition(c), t)).join(` ${t.and} `)}
              </td>
              <td className="small">{w.steps.map((s) => t[STEP_LABEL[s.type]] ?? s.type).join(' → ')}</td>
              <td>
                <button
                  type="button"
                  className="button"
                  onClick={() => updateQuery({ workflow: w.id })}
                  data-testid="workflow-edit"
                >
                  {t.edit}
                  <span className="visually-hidden">: {w.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function triggerLabel(trigger: string, t: Labels): string {
  return trigger === 'conversation.closed' ? t.trigger_conversationClosed : trigger;
}

function opLabel(op: ConditionOp, t: Labels): string {
  return t[`op_${op}` as keyof Labels] ?? op;
}

function conditionText(c: ConditionDraft, t: Labels): string {
  if (c.op === 'exists') return `${c.field} ${c.value === 'false' ? t.op_missing : t.op_exists}`;
  return `${c.field} ${opLabel(c.op, t)} ${c.value}`;
}

// ---------------------------------------------------------------------------------------------
// Editor
// ---------------------------------------------------------------------------------------------

function WorkflowEditor({
  workflow,
  onSaved,
}: {
  workflow: Workflow | null;
  onSaved: (saved: Workflow | undefined) => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<WorkflowDraft>(() =>
    workflow ? fromWorkflow(workflow) : emptyWorkflow(),
  );
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const titleId = useId();
  const nameId = useId();
  const fieldsId = useId();

  // Suggested condition fields: the server's list of trigger variables, else the built-in one.
  const variables = useApi<WorkflowVariablesResponse>(buildUrl('/workflows/variables'));
  const conditionFields = variables.data
    ? variables.data.variables.filter((v) => v.condition).map((v) => v.name)
    : [...WORKFLOW_FIELDS];
  const patch = (p: Partial<WorkflowDraft>) => {
    setDraft((d) => ({ ...d, ...p }));
    setSaved(false);
  };
  const setCondition = (i: number, p: Partial<ConditionDraft>) =>
    patch({ conditions: draft.conditions.map((c, j) => (j === i ? { ...c, ...p } : c)) });
  const setStep = (i: number, p: Partial<StepDraft>) =>
    patch({ steps: draft.steps.map((s, j) => (j === i ? { ...s, ...p } : s)) });
  const moveStep = (i: number, by: number) => {
    const steps = [...draft.steps];
    const [step] = steps.splice(i, 1);
    if (step) steps.splice(i + by, 0, step);
    patch({ steps });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const body = toWorkflowInput(draft);
      const answer = workflow
        ? await sendJson<Workflow>(
            'PUT',
            buildUrl(`/workflows/${encodeURIComponent(String(workflow.id))}`),
            body,
          )
        : await sendJson<Workflow>('POST', buildUrl('/workflows'), body);
      setSaved(true);
      onSaved(answer);
    } catch (e) {
      setError(errorText(e));
    }
    setSaving(false);
  };

  return (
    <form
      className="card form-card workflow-form"
      onSubmit={submit}
      aria-labelledby={titleId}
      data-testid="workflow-form"
    >
      <h2 id={titleId}>{workflow ? `${t.editWorkflow}: ${workflow.name}` : t.newWorkflow}</h2>
      <div className="filter-grid">
        <div className="field grow">
          <label htmlFor={nameId}>{t.workflowName}</label>
          <input
            id={nameId}
            type="text"
            required
            value={draft.name}
            onChange={(e) => patch({ name: e.target.value })}
            data-testid="workflow-name"
          />
        </div>
        <label className="check toggle-field">
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => patch({ enabled: e.target.checked })}
            data-testid="workflow-enabled"
          />
          {t.workflowEnabled}
        </label>
        <p className="field-static">
          <span className="field-label">{t.workflowTrigger}</span>
          {triggerLabel(draft.trigger, t)}
        </p>
      </div>

      <fieldset className="form-group" data-testid="workflow-conditions">
        <legend>{t.conditions}</legend>
        <p className="muted small">{draft.conditions.length === 0 ? t.conditionsNone : t.conditionsAll}</p>
        <datalist id={fieldsId}>
          {conditionFields.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        {draft.conditions.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
          <div className="condition-row" key={i} data-testid="workflow-condition">
            <LabelledInput label={`${t.conditionField} ${i + 1}`}>
              {(id) => (
                <input
                  id={id}
                  type="text"
                  list={fieldsId}
                  value={c.field}
                  onChange={(e) => setCondition(i, { field: e.target.value })}
                />
              )}
            </LabelledInput>
            <LabelledInput label={`${t.conditionOp} ${i + 1}`}>
              {(id) => (
                <select
                  id={id}
                  value={c.op}
                  onChange={(e) => {
                    const op = e.target.value as ConditionOp;
                    setCondition(i, {
                      op,
                      value: op === 'exists' ? 'true' : c.op === 'exists' ? '' : c.value,
                    });
                  }}
                >
                  {CONDITION_OPS.map((op) => (
                    <option key={op} value={op}>
                      {opLabel(op, t)}
                    </option>
                  ))}
                </select>
              )}
            </LabelledInput>
            <LabelledInput label={`${t.conditionValue} ${i + 1}`}>
              {(id) =>
                c.op === 'exists' ? (
                  <select
                    id={id}
                    value={c.value === 'false' ? 'false' : 'true'}
                    onChange={(e) => setCondition(i, { value: e.target.value })}
                  >
                    <option value="true">{t.hasValue}</option>
                    <option value="false">{t.hasNoValue}</option>
                  </select>
                ) : (
                  <input
                    id={id}
                    type="text"
                    value={c.value}
                    placeholder={c.op === 'in' ? t.listHint : undefined}
                    onChange={(e) => setCondition(i, { value: e.target.value })}
                  />
                )
              }
            </LabelledInput>
            <button
              type="button"
              className="icon-button"
              onClick={() => patch({ conditions: draft.conditions.filter((_, j) => j !== i) })}
              aria-label={`${t.remove}: ${t.conditionField} ${i + 1}`}
              title={t.remove}
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button"
          onClick={() => patch({ conditions: [...draft.conditions, emptyCondition()] })}
          data-testid="workflow-add-condition"
        >
          + {t.addCondition}
        </button>
      </fieldset>

      <fieldset className="form-group">
        <legend>{t.steps}</legend>
        <p className="muted small">{t.templateHint}</p>
        {draft.steps.map((s, i) => (
          <StepEditor
            // biome-ignore lint/suspicious/noArrayIndexKey: steps have no identity but their place
            key={i}
            index={i}
            step={s}
            count={draft.steps.length}
            onChange={(p) => setStep(i, p)}
            onMove={(by) => moveStep(i, by)}
            onRemove={() => patch({ steps: draft.steps.filter((_, j) => j !== i) })}
          />
        ))}
        <button
          type="button"
          className="button"
          onClick={() => patch({ steps: [...draft.steps, emptyStep()] })}
          data-testid="workflow-add-step"
        >
          + {t.addStep}
        </button>
      </fieldset>

      <div className="form-actions">
        <button
          type="submit"
          className="button primary"
          disabled={saving}
          aria-busy={saving}
          data-testid="workflow-save"
        >
          {t.save}
        </button>
        <button type="button" className="button" onClick={() => updateQuery({ workflow: undefined })}>
          {t.close}
        </button>
        {error && (
          <p className="form-message bad" role="alert" data-testid="workflow-error">
            {error}
          </p>
        )}
        {saved && !error && (
          <p className="form-message good" role="status" data-testid="workflow-saved">
            {t.saved}
          </p>
        )}
      </div>
    </form>
  );
}

function LabelledInput({
  label,
  children,
  wide,
}: {
  label: string;
  children: (id: string) => ReactNode;
  wide?: boolean;
}) {
  const id = useId();
  return (
    <div className={`field${wide ? ' wide' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

function StepEditor({
  index,
  step: s,
  count,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  step: StepDraft;
  count: number;
  onChange: (p: Partial<StepDraft>) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const n = index + 1;
  const text = (
    key: keyof StepDraft,
    label: string,
    extra: { placeholder?: string; required?: boolean } = {},
  ) => (
    <LabelledInput label={label}>
      {(id) => (
        <input
          id={id}
          type="text"
          value={s[key] as string}
          onChange={(e) => onChange({ [key]: e.target.value })}
          data-testid={`step-${key}`}
          {...extra}
        />
      )}
    </LabelledInput>
  );
  const area = (key: keyof StepDraft, label: string, hint: string, rows = 3) => (
    <LabelledInput label={`${label} (${hint})`} wide>
      {(id) => (
        <textarea
          id={id}
          rows={rows}
          value={s[key] as string}
          onChange={(e) => onChange({ [key]: e.target.value })}
          spellCheck={false}
          className="mono"
          data-testid={`step-${key}`}
        />
      )}
    </LabelledInput>
  );
  return (
    <fieldset className="step-editor" data-testid="workflow-step" data-type={s.type}>
      <legend>
        {t.step} {n}: {t[STEP_LABEL[s.type]]}
      </legend>
      <div className="filter-grid">
        <LabelledInput label={t.stepType}>
          {(id) => (
            <select
              id={id}
              value={s.type}
              onChange={(e) => onChange({ type: e.target.value as StepType })}
              data-testid="step-type"
            >
              {STEP_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t[STEP_LABEL[type]]}
                </option>
              ))}
            </select>
          )}
        </LabelledInput>
        {s.type === 'http' && (
          <>
            <LabelledInput label={t.httpMethod}>
              {(id) => (
                <select
                  id={id}
                  value={s.method}
                  onChange={(e) => onChange({ method: e.target.value as HttpMethod })}
                  data-testid="step-method"
                >
                  {HTTP_METHODS.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              )}
            </LabelledInput>
            <div className="grow">{text('url', t.httpUrl, { placeholder: 'https://', required: true })}</div>
            {text('signatureSecretEnv', t.signatureSecretEnv, { placeholder: 'WEBHOOK_SECRET' })}
            {s.signatureSecretEnv.trim() &&
              text('signatureHeader', t.signatureHeader, { placeholder: 'X-Caseflow-Signature' })}
          </>
        )}
        {s.type === 'sheets' && (
          <>
            <div className="grow">{text('spreadsheetId', t.spreadsheetId, { required: true })}</div>
            {text('range', t.sheetRange, { required: true })}
          </>
        )}
        {s.type === 'warehouse' && (
          <>
            {text('connectionUrlEnv', t.databaseUrlEnv, { placeholder: 'WAREHOUSE_URL', required: true })}
            {text('table', t.warehouseTable, { required: true })}
            {text('keyColumns', t.keyColumns, { placeholder: 'conversation_id' })}
          </>
        )}
        {text('timeoutMs', t.timeoutMs)}
        {text('name', t.stepName)}
        <div className="step-buttons">
          <button
            type="button"
            className="icon-button"
            disabled={index === 0}
            onClick={() => onMove(-1)}
            aria-label={`${t.moveUp}: ${t.step} ${n}`}
            title={t.moveUp}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon-button"
            disabled={index === count - 1}
            onClick={() => onMove(1)}
            aria-label={`${t.moveDown}: ${t.step} ${n}`}
            title={t.moveDown}
          >
            ↓
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={onRemove}
            aria-label={`${t.remove}: ${t.step} ${n}`}
            title={t.remove}
          >
            ×
          </button>
        </div>
      </div>
      {s.type === 'http' && (
        <div className="step-areas">
          {area('headers', t.httpHeaders, t.headersHint)}
          {s.method !== 'GET' && area('body', t.bodyTemplate, t.bodyHint, 5)}
        </div>
      )}
      {s.type === 'sheets' && (
        <div className="step-areas">{area('values', t.sheetValues, t.valuesHint, 4)}</div>
      )}
      {s.type === 'warehouse' && (
        <div className="step-areas">{area('columns', t.warehouseColumns, t.columnsHint, 4)}</div>
      )}
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------
// Send a sample
// ---------------------------------------------------------------------------------------------

function SampleTest({ workflow }: { workflow: Workflow }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<WorkflowTestResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const results: WorkflowStepResult[] | null = answer && testResults(answer);
  const send = async () => {
    setBusy(true);
    setError(null);
    setAnswer(null);
    try {
      setAnswer(
        await postJson<WorkflowTestResponse>(
          buildUrl(`/workflows/${encodeURIComponent(String(workflow.id))}/test`),
        ),
      );
    } catch (e) {
      setError(errorText(e));
    }
    setBusy(false);
  };
  return (
    <section className="card" aria-labelledby="workflow-test" data-testid="workflow-test">
      <div className="report-card-head">
        <h2 id="workflow-test">{t.sendSample}</h2>
        <button
          type="button"
          className="button"
          onClick={send}
          disabled={busy}
          aria-busy={busy}
          data-testid="workflow-send-sample"
        >
          {t.sendSample}
        </button>
      </div>
      <p className="muted small">{t.sampleHint}</p>
      {error && (
        <p className="form-message bad" role="alert">
          {error}
        </p>
      )}
      {answer?.conversationId && (
        <p className="small" data-testid="workflow-test-conversation">
          {t.sampleConversation}: <span className="mono">{answer.conversationId}</span>
          {answer.conditionsMatch !== undefined &&
            ` · ${answer.conditionsMatch ? t.conditionsMatch : t.conditionsNoMatch}`}
        </p>
      )}
      {results && (
        <ol className="step-results" aria-live="polite" data-testid="workflow-test-results">
          {results.length === 0 && <li className="muted">{t.noStepResults}</li>}
          {results.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one result per step, in order
            <li key={i} data-testid="workflow-test-step" data-ok={r.ok} data-skipped={r.skipped || undefined}>
              <span className={`flag ${r.ok ? 'good' : r.skipped ? '' : 'bad'}`}>
                {r.ok ? t.stepOk : r.skipped ? t.stepSkipped : t.stepFailed}
              </span>{' '}
              {t.step} {r.step}
              {r.type ? ` · ${t[STEP_LABEL[r.type as StepType]] ?? r.type}` : ''}
              {r.name ? ` · ${r.name}` : ''}
              {r.status ? ` · HTTP ${r.status}` : ''}
              {r.error && <span className="error-text"> · {r.error}</span>}
              {r.response !== undefined && r.response !== null && (
                <details>
                  <summary>{t.response}</summary>
                  <pre className="mono small response-body">
                    {typeof r.response === 'string' ? r.response : JSON.stringify(r.response, null, 2)}
                  </pre>
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------

function Runs({ workflow }: { workflow: Workflow }) {
  const { t, lang } = useI18n();
  const zone = getOrganizationTimeZone();
  const runs = useApi<WorkflowRunsResponse>(
    buildUrl(`/workflows/${encodeURIComponent(String(workflow.id))}/runs`),
    {
      cached: false,
    },
  );
  const { data, loading, reload } = runs;
  const pending = !!data?.items.some((r) => r.status === 'pending');
  const [rerunning, setRerunning] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (loading || !pending) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [loading, pending, reload]);

  const rerun = async (run: WorkflowRun) => {
    setRerunning(String(run.id));
    setError(null);
    try {
      await postJson(buildUrl(`/workflows/runs/${encodeURIComponent(String(run.id))}/rerun`));
    } catch (e) {
      setError(errorText(e));
    }
    setRerunning(null);
    reload();
  };

  return (
    <section className="card table-card" aria-labelledby="workflow-runs" data-testid="workflow-runs">
      <Refreshing active={loading && !!data} />
      <div className="report-card-head card-title">
        <h2 id="workflow-runs">{t.runs}</h2>
        <button type="button" className="button" onClick={reload}>
          {t.refresh}
        </button>
      </div>
      {error && (
        <p className="form-message bad card-title" role="alert">
          {error}
        </p>
      )}
      <ApiState
        data={data}
        error={runs.error}
        reload={reload}
        isEmpty={(d) => d.items.length === 0}
        empty={t.noRuns}
      >
        {(d) => (
          <div className="table-wrap">
            <table className="data-table compact">
              <thead>
                <tr>
                  <th scope="col">{t.createdAt}</th>
                  <th scope="col">{t.conversation}</th>
                  <th scope="col">{t.runStatus}</th>
                  <th scope="col" className="num">
                    {t.attempts}
                  </th>
                  <th scope="col">{t.deliveries}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((run) => (
                  <tr key={run.id} data-testid="workflow-run" data-id={run.id} data-status={run.status}>
                    <td className="nowrap">{formatDateTime(run.createdAt, lang, zone)}</td>
                    <td className="mono small">{run.conversationId ?? '—'}</td>
                    <td>
                      <span className={`status-pill ${run.status}`}>
                        {t[`runState_${run.status}` as keyof Labels] ?? run.status}
                      </span>
                      {run.lastError && <p className="error-text small">{run.lastError}</p>}
                    </td>
                    <td className="num">{formatNumber(run.attempts, lang)}</td>
                    <td>
                      {(run.deliveries ?? []).length === 0 ? (
                        <span className="muted">—</span>
                      ) : (
                        <ul className="deliveries">
                          {(run.deliveries ?? []).map((dl, i) => {
                            const ok = dl.status === 'ok';
                            return (
                              // biome-ignore lint/suspicious/noArrayIndexKey: deliveries in order
                              <li key={i} className="small" data-testid="workflow-delivery" data-ok={ok}>
                                <span className={`flag ${ok ? 'good' : 'bad'}`}>
                                  {dl.responseCode ?? (ok ? t.stepOk : t.stepFailed)}
                                </span>{' '}
                                {dl.stepIndex !== undefined && `${t.step} ${dl.stepIndex + 1}`}
                                {dl.attempt !== undefined && ` · ${t.attempt} ${dl.attempt}`}
                                {dl.startedAt && (
                                  <span className="muted"> · {formatDateTime(dl.startedAt, lang, zone)}</span>
                                )}
                                {dl.error && <span className="error-text"> · {dl.error}</span>}
                              </li>
                            );
                          })}
                        </ul>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button"
                        disabled={rerunning === String(run.id)}
                        onClick={() => rerun(run)}
                        data-testid="workflow-rerun"
                      >
                        {t.rerun}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ApiState>
    </section>
  );
}
