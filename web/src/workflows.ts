/**
 * The workflow editor's form state and its conversion to and from the API's workflow (web/src/api.ts,
 * as src/workflows/model.ts validates it). Maps and lists are edited as text, one entry a line.
 */
import {
  type ConditionOp,
  type ConditionScalar,
  type HttpMethod,
  type StepType,
  WORKFLOW_TRIGGER,
  type Workflow,
  type WorkflowCondition,
  type WorkflowInput,
  type WorkflowStep,
  type WorkflowStepResult,
} from './api.ts';

/** Every field any step type has, as form text; `toStep` keeps those of its type. */
export interface StepDraft {
  type: StepType;
  name: string;
  method: HttpMethod;
  url: string;
  /** "Name: value" a line. */
  headers: string;
  /** JSON template; empty: the server sends every variable as one JSON object. */
  body: string;
  signatureSecretEnv: string;
  signatureHeader: string;
  timeoutMs: string;
  spreadsheetId: string;
  range: string;
  /** One template a line. */
  values: string;
  connectionUrlEnv: string;
  table: string;
  /** "column = template" a line. */
  columns: string;
  /** Comma-separated column names. */
  keyColumns: string;
}

/** A condition as edited: the value as text (a list comma-separated; exists: "true"/"false"). */
export interface ConditionDraft {
  field: string;
  op: ConditionOp;
  value: string;
}

export interface WorkflowDraft {
  name: string;
  enabled: boolean;
  trigger: string;
  conditions: ConditionDraft[];
  steps: StepDraft[];
}

export function emptyStep(type: StepType = 'http'): StepDraft {
  return {
    type,
    name: '',
    method: 'POST',
    url: '',
    headers: 'Content-Type: application/json',
    body: '{"conversationId": "{{conversationId}}", "summary": "{{summary}}"}',
    signatureSecretEnv: '',
    signatureHeader: '',
    timeoutMs: '10000',
    spreadsheetId: '',
    range: 'Sheet1!A1',
    values: '{{conversationId}}\n{{resolvedAt}}\n{{summary}}',
    connectionUrlEnv: '',
    table: '',
    columns: 'conversation_id = {{conversationId}}\nresolved_at = {{resolvedAt}}',
    keyColumns: '',
  };
}

export function emptyWorkflow(): WorkflowDraft {
  return { name: '', enabled: true, trigger: WORKFLOW_TRIGGER, conditions: [], steps: [emptyStep()] };
}

export function emptyCondition(): ConditionDraft {
  return { field: 'channel', op: 'eq', value: '' };
}

/** "key<sep>value" lines → a map (blank lines and lines without the separator are skipped). */
export function parsePairs(text: string, separator: ':' | '='): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(separator);
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    if (key) out[key] = line.slice(at + 1).trim();
  }
  return out;
}

export function formatPairs(map: Record<string, string> | null | undefined, separator: ':' | '='): string {
  return Object.entries(map ?? {})
    .map(([k, v]) => (separator === ':' ? `${k}: ${v}` : `${k} = ${v}`))
    .join('\n');
}

/** One entry a line; blank lines are skipped. */
export function parseLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

const commaList = (text: string) =>
  text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** A condition for the API: `in` takes a list, `exists` true/false (absent: true), the others the text. */
export function toCondition(c: ConditionDraft): WorkflowCondition {
  const field = c.field.trim();
  if (c.op === 'in') return { field, op: c.op, value: commaList(c.value) };
  if (c.op === 'exists') return c.value === 'false' ? { field, op: c.op, value: false } : { field, op: c.op };
  return { field, op: c.op, value: c.value };
}

export function fromCondition(c: WorkflowCondition): ConditionDraft {
  const text = (v: ConditionScalar | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    field: c.field,
    op: c.op,
    value: Array.isArray(c.value) ? c.value.map(text).join(', ') : text(c.value),
  };
}

const timeout = (text: string): { timeoutMs?: number } => {
  const ms = Number.parseInt(text, 10);
  return Number.isFinite(ms) && ms > 0 ? { timeoutMs: ms } : {};
};

export function toStep(d: StepDraft): WorkflowStep {
  const name = d.name.trim() ? { name: d.name.trim() } : {};
  if (d.type === 'sheets') {
    return {
      type: 'sheets',
      ...name,
      spreadsheetId: d.spreadsheetId.trim(),
      range: d.range.trim(),
      values: parseLines(d.values),
      ...timeout(d.timeoutMs),
    };
  }
  if (d.type === 'warehouse') {
    const keys = commaList(d.keyColumns);
    return {
      type: 'warehouse',
      ...name,
      connectionUrlEnv: d.connectionUrlEnv.trim(),
      table: d.table.trim(),
      columns: parsePairs(d.columns, '='),
      ...(keys.length ? { keyColumns: keys } : {}),
      ...timeout(d.timeoutMs),
    };
  }
  const secretEnv = d.signatureSecretEnv.trim();
  const header = d.signatureHeader.trim();
  return {
    type: 'http',
    ...name,
    method: d.method,
    url: d.url.trim(),
    headers: parsePairs(d.headers, ':'),
    ...(d.body.trim() && d.method !== 'GET' ? { body: d.body } : {}),
    ...(secretEnv ? { signature: header ? { secretEnv, header } : { secretEnv } } : {}),
    ...timeout(d.timeoutMs),
  };
}

export function fromStep(step: WorkflowStep): StepDraft {
  const base: StepDraft = {
    ...emptyStep(step.type),
    name: step.name ?? '',
    headers: '',
    body: '',
    values: '',
    columns: '',
    timeoutMs: step.timeoutMs ? String(step.timeoutMs) : '',
  };
  if (step.type === 'sheets') {
    return {
      ...base,
      spreadsheetId: step.spreadsheetId ?? '',
      range: step.range ?? '',
      values: (step.values ?? []).join('\n'),
    };
  }
  if (step.type === 'warehouse') {
    return {
      ...base,
      connectionUrlEnv: step.connectionUrlEnv ?? '',
      table: step.table ?? '',
      columns: formatPairs(step.columns, '='),
      keyColumns: (step.keyColumns ?? []).join(', '),
    };
  }
  return {
    ...base,
    method: step.method ?? 'POST',
    url: step.url ?? '',
    headers: formatPairs(step.headers, ':'),
    body: step.body ?? '',
    signatureSecretEnv: step.signature?.secretEnv ?? '',
    signatureHeader: step.signature?.header ?? '',
  };
}

export function toWorkflowInput(d: WorkflowDraft): WorkflowInput {
  return {
    name: d.name.trim(),
    enabled: d.enabled,
    trigger: d.trigger || WORKFLOW_TRIGGER,
    conditions: d.conditions.filter((c) => c.field.trim()).map(toCondition),
    steps: d.steps.map(toStep),
  };
}

export function fromWorkflow(w: Workflow): WorkflowDraft {
  return {
    name: w.name,
    enabled: w.enabled,
    trigger: w.trigger || WORKFLOW_TRIGGER,
    conditions: (w.conditions ?? []).map(fromCondition),
    steps: (w.steps ?? []).map(fromStep),
  };
}

/**
 * The per-step outcomes of a test answer (POST /workflows/:id/test): a list under `steps`, `results` or
 * `deliveries` (or the answer itself), each with `ok` or `status` ('ok' | 'error' | an HTTP code),
 * `responseCode` / `statusCode`, `error`, and the step's `stepIndex` (0-based) or `step` (1-based).
 */
export function testResults(answer: unknown): WorkflowStepResult[] {
  const a = (answer ?? {}) as Record<string, unknown>;
  const list = Array.isArray(answer)
    ? answer
    : (([a.steps, a.results, a.deliveries].find(Array.isArray) as unknown[] | undefined) ?? []);
  return list.map((item, i) => {
    const r = (item ?? {}) as Record<string, unknown>;
    const num = (...values: unknown[]) => values.find((v): v is number => typeof v === 'number') ?? null;
    const code = num(r.responseCode, r.statusCode, r.status);
    const error = typeof r.error === 'string' && r.error ? r.error : null;
    const ok =
      typeof r.ok === 'boolean'
        ? r.ok
        : r.status === 'ok' || (r.status !== 'error' && error === null && (code === null || code < 300));
    const index = num(r.stepIndex, r.index);
    return {
      step: index !== null ? index + 1 : (num(r.step) ?? i + 1),
      type: typeof r.type === 'string' ? r.type : undefined,
      name: typeof r.name === 'string' && r.name ? r.name : undefined,
      skipped: r.skipped === true,
      ok: ok && r.skipped !== true,
      status: code,
      error,
      response: r.response ?? r.body ?? r.detail,
    };
  });
}
