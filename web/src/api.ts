/**
 * Client of the Caseflow REST API (docs/mining-api.md). Every mining route takes the shared filter as
 * query parameters; the dashboard keeps the same parameters in its own URL and passes them through.
 */

export interface ApiErrorBody {
  statusCode?: number;
  error?: string;
  message?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Dataset {
  name: string;
  format: string;
  source: string | null;
  importedAt: string | null;
  events: number;
  cases: number;
}

export interface DatasetsResponse {
  items: Dataset[];
}

export type TileKey = 'cases' | 'slaPct' | 'fcrPct' | 'reopenPct' | 'medianResolution' | 'aht' | 'csat';

export interface OverviewTile {
  key: TileKey;
  value: number | null;
  previous: number | null;
}

export interface TrendPoint {
  day: string;
  cases: number;
  slaPct: number | null;
  fcrPct: number | null;
}

/** A breakdown row: one label column (mediaType / requestType) and figures. */
export type BreakdownRow = Record<string, string | number | null | undefined>;

export interface OverviewResponse {
  period: { from: string | null; to: string | null };
  previous: { from: string | null; to: string | null };
  tiles: OverviewTile[];
  trend: TrendPoint[];
  byMediaType: BreakdownRow[];
  byRequestType: BreakdownRow[];
}

export interface MapActivity {
  /** Display name (translated with `lang=fr` on the Genesys log). */
  name: string;
  /** Canonical name, the one filters take (the API adds it next to a translated `name`). */
  id?: string;
  events: number;
  cases: number;
  meanDuration: number | null;
  medianDuration: number | null;
  start: number;
  end: number;
}

export interface MapEdge {
  /** Display names; `fromId`/`toId` are the canonical ones when the API translated them. */
  from: string;
  to: string;
  fromId?: string;
  toId?: string;
  count: number;
  cases: number;
  meanSeconds: number;
  medianSeconds: number;
  p90Seconds: number;
  maxSeconds: number;
}

export interface ProcessMapResponse {
  cases: number;
  events: number;
  activities: MapActivity[];
  edges: MapEdge[];
  hidden: { activities: number; edges: number };
}

export const START = '__start__';
export const END = '__end__';

export interface Variant {
  variant: string;
  /** Canonical activity names; `labels` are their display names in the requested language. */
  activities: string[];
  labels?: string[];
  cases: number;
  share: number;
  meanDuration: number;
  medianDuration: number;
}

export interface VariantsResponse {
  total: number;
  cases: number;
  items: Variant[];
}

export interface CaseSummary {
  id: string;
  start: string;
  end: string;
  duration: number;
  events: number;
  variant: string;
  requestType: string | null;
  mediaType: string | null;
  slaCompliant: boolean | null;
  reopened: boolean | null;
  fcr: boolean | null;
  csat: number | null;
}

export interface CasesResponse {
  total: number;
  items: CaseSummary[];
}

/** An event of a case: the event-log row (the Genesys log has all of these; imported logs fewer). */
export interface CaseEvent {
  ActivityName: string;
  EventTime: string;
  EventEndTime?: string | null;
  Duration?: number | null;
  ConversationId?: string | null;
  MediaType?: string | null;
  AgentId?: string | null;
  AgentName?: string | null;
  QueueName?: string | null;
  WrapUpCode?: string | null;
  [key: string]: unknown;
}

export interface CaseDetailResponse {
  id: string;
  start?: string;
  end?: string;
  duration?: number;
  attributes: Record<string, unknown>;
  conversations: string[];
  events: CaseEvent[];
}

export type Query = Record<string, string | number | undefined | null>;

export function buildUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

/** The text of an API error: Fastify's `message`, or the routes' own `{ error }`, or the raw answer. */
function errorText(body: unknown, text: string, statusText: string): string {
  const b = body as ApiErrorBody | null;
  return b?.message ?? b?.error ?? (text.slice(0, 300) || statusText);
}

let onUnauthorized: ((url: string) => void) | null = null;

/** Called with the URL of every 401 answer (no or an ended session): the app shows the login page. */
export function setUnauthorizedHandler(handler: ((url: string) => void) | null): void {
  onUnauthorized = handler;
}

async function requestJson<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined && init.body !== null) headers['content-type'] = 'application/json';
    response = await fetch(url, { ...init, headers });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, (error as Error).message || 'network error');
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (response.status === 401) onUnauthorized?.(url);
  if (!response.ok) throw new ApiError(response.status, errorText(body, text, response.statusText));
  if (response.status === 204) return undefined as T;
  if (body === null) throw new ApiError(response.status, 'the server answered with no JSON');
  return body as T;
}

/** GET a JSON document; a non-2xx answer becomes an ApiError carrying the API's message. */
export function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(url, { signal: signal ?? null });
}

/** POST without a body (an action such as starting a sync); errors as getJson. */
export function postJson<T>(url: string): Promise<T> {
  return requestJson<T>(url, { method: 'POST' });
}

/** POST, PUT or PATCH a JSON body; a non-2xx answer becomes an ApiError carrying the API's `message`. */
export function sendJson<T>(method: 'POST' | 'PUT' | 'PATCH', url: string, body: unknown): Promise<T> {
  return requestJson<T>(url, { method, body: JSON.stringify(body) });
}

/** A request answered 204 No Content (DELETE, sign out); errors as getJson. */
export function sendNoContent(method: 'POST' | 'DELETE', url: string, body?: unknown): Promise<void> {
  return requestJson<void>(url, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** GET /api/v1/facets: the values each filter can take in a dataset. */
export interface Facets {
  mediaType: string[];
  queue: string[];
  requestType: string[];
  agent: string[];
  activity: string[];
}

/** GET /api/v1/sources: the data connectors and their sync state. */
export type SourceStateName = 'idle' | 'running' | 'failed' | 'disabled';

export interface SourceProgress {
  phase: 'directory' | 'conversations' | 'regroup';
  intervalsDone: number;
  intervalsTotal: number;
  pages: number;
  conversations: number;
}

export interface SourceRun {
  trigger: 'schedule' | 'manual' | 'cli';
  startedAt: string;
  finishedAt: string | null;
  status: 'succeeded' | 'failed' | 'running';
  from: string;
  to: string;
  conversations: number;
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: string | null;
}

export interface Source {
  id: string;
  kind: string;
  /** False when the configuration has no entry for the source (state `disabled`). */
  configured: boolean;
  region: string | null;
  apiUrl: string | null;
  sourceSystem: string;
  /** Null: no scheduled sync. */
  schedule: { everyMinutes: number } | null;
  state: SourceStateName;
  organization: { id: string; name: string } | null;
  watermark: string | null;
  nextRunAt: string | null;
  /** A configuration problem (e.g. a missing secret). */
  error: string | null;
  /** While a sync runs. */
  progress: SourceProgress | null;
  lastRun: SourceRun | null;
}

export interface SourcesResponse {
  sources: Source[];
}

// ---------------------------------------------------------------------------------------------
// Support reports: GET /api/v1/reports/* (common query: from, to, team, agent, channel,
// businessHours, format=csv, lang)
// ---------------------------------------------------------------------------------------------

export const REPORT_INTERVALS = ['day', 'week', 'month'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

/** GET /reports/opened-heatmap: conversations opened per weekday (0 = Monday) and hour, 168 cells. */
export interface OpenedHeatmapResponse {
  timeZone: string;
  total: number;
  cells: { weekday: number; hour: number; count: number }[];
}

/** GET /reports/opened-by-contact-type?interval= */
export interface OpenedByContactTypeResponse {
  timeZone: string;
  interval: ReportInterval;
  rows: { period: string; new: number; returning: number }[];
}

/** GET /reports/inbound-messages?interval= */
export interface InboundMessagesResponse {
  timeZone: string;
  interval: ReportInterval;
  channels: string[];
  rows: { period: string; channel: string; count: number }[];
}

export const LEADERBOARD_METRICS = ['first-response', 'resolution'] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];
export const LEADERBOARD_GROUPS = ['team', 'agent'] as const;
export type LeaderboardGroup = (typeof LEADERBOARD_GROUPS)[number];

/** GET /reports/leaderboard?metric=&groupBy=&limit= (rows best first). */
export interface LeaderboardResponse {
  metric: LeaderboardMetric;
  groupBy: LeaderboardGroup;
  businessHours: boolean;
  rows: { key: string; name: string; averageSeconds: number | null; conversations: number }[];
}

export interface AgentPerformanceRow {
  agentId: string;
  agentName: string;
  team: string | null;
  conversationsClosed: number;
  messagesSent: number;
  avgFirstResponseSeconds: number | null;
  avgResolutionSeconds: number | null;
  avgHandleSeconds: number | null;
  transfers: number;
  csat: number | null;
}

/** GET /reports/agent-performance */
/** GET /api/v1/reports/teams: every team the team filter can name. */
export interface ReportTeamsResponse {
  teams: string[];
}

export interface AgentPerformanceResponse {
  rows: AgentPerformanceRow[];
}

export const ANOMALY_FLAGS = ['long-resolution', 'many-messages'] as const;
export type AnomalyFlag = (typeof ANOMALY_FLAGS)[number];

export interface ResolvedConversation {
  conversationId: string;
  channel: string | null;
  openedAt: string;
  resolvedAt: string;
  contactId: string | null;
  assignee: string | null;
  resolver: string | null;
  messages: number;
  resolutionSeconds: number | null;
  flags: AnomalyFlag[];
  /** The closing note. */
  summary: string | null;
  /** The case (service request) the conversation belongs to: /cases/<serviceRequest>. */
  serviceRequest: string | null;
}

/** GET /reports/resolved-conversations?page=&pageSize=&anomalies=only|all */
export interface ResolvedConversationsResponse {
  /** The anomaly rule, in words. */
  rule: string;
  total: number;
  page: number;
  pageSize: number;
  thresholds: { channel: string; resolutionSeconds: number | null; messages: number | null }[];
  rows: ResolvedConversation[];
}

export const OUTBOUND_SOURCES = ['agent', 'workflow', 'broadcast', 'api'] as const;
export type OutboundSource = (typeof OUTBOUND_SOURCES)[number];

/** GET /reports/outbound-by-source?interval= */
export interface OutboundBySourceResponse {
  timeZone: string;
  interval: ReportInterval;
  rows: { period: string; source: OutboundSource; count: number }[];
}

// ---------------------------------------------------------------------------------------------
// Data exports: POST /api/v1/exports, GET /api/v1/exports
// ---------------------------------------------------------------------------------------------

export const EXPORT_KINDS = ['conversations', 'messages', 'failed-messages', 'eventlog'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export type ExportStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'expired';

/** The body of POST /exports (answer: 202 `{ id, status }`). */
export interface ExportRequest {
  kind: ExportKind;
  from: string;
  to: string;
  lang: 'en' | 'fr';
}

export interface ExportJob {
  id: number | string;
  kind: ExportKind;
  from: string;
  to: string;
  lang?: 'en' | 'fr';
  status: ExportStatus;
  /** 0..1 */
  progress: number | null;
  rows: number | null;
  bytes: number | null;
  createdAt: string;
  startedAt?: string | null;
  finishedAt: string | null;
  /** The file is deleted then (7 days after it was finished). */
  expiresAt: string | null;
  error: string | null;
  downloadUrl: string | null;
}

export interface ExportsResponse {
  items: ExportJob[];
}

// ---------------------------------------------------------------------------------------------
// Workflows: /api/v1/workflows (src/workflows/model.ts validates what POST / PUT take)
// ---------------------------------------------------------------------------------------------

/** The trigger new workflows get (the only one so far). */
export const WORKFLOW_TRIGGER = 'conversation.closed';

/**
 * eq / neq: equal / not equal to `value`; in: one of the `value` list; contains: the text contains
 * `value` (ignoring case); exists: has a value (`value: false`: has none).
 */
export const CONDITION_OPS = ['eq', 'neq', 'in', 'contains', 'exists'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export type ConditionScalar = string | number | boolean | null;

/** Conversation variables that conditions can test (src/workflows/variables.ts). */
export const WORKFLOW_FIELDS = [
  'channel',
  'team',
  'queue',
  'category',
  'wrapUpCode',
  'contactType',
  'openedBy',
  'origin',
  'assignee',
  'assigneeName',
  'resolver',
  'resolverName',
  'summary',
  'inboundCount',
  'outboundCount',
  'messageCount',
  'firstResponseSeconds',
  'resolutionSeconds',
  'handleSeconds',
  'transfers',
  'csat',
  'conversationId',
  'serviceRequest',
  'contactId',
] as const;

export interface WorkflowCondition {
  field: string;
  op: ConditionOp;
  value?: ConditionScalar | ConditionScalar[];
}

export const STEP_TYPES = ['http', 'sheets', 'warehouse'] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const HTTP_METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HttpStep {
  type: 'http';
  name?: string;
  method: HttpMethod;
  /** http(s) URL; {{variable}} placeholders are percent-encoded. */
  url: string;
  headers: Record<string, string>;
  /** JSON template with {{variable}} placeholders; absent: every variable as one JSON object. */
  body?: string;
  /** HMAC-SHA256 of the body, with the secret read from an environment variable. */
  signature?: { secretEnv: string; header?: string };
  timeoutMs?: number;
}

export interface SheetsStep {
  type: 'sheets';
  name?: string;
  spreadsheetId: string;
  /** A1 notation of the table to append to. */
  range: string;
  /** One template per cell. */
  values: string[];
  timeoutMs?: number;
}

export interface WarehouseStep {
  type: 'warehouse';
  name?: string;
  /** Name of the environment variable holding the postgres:// URL. */
  connectionUrlEnv: string;
  table: string;
  /** Column → template. */
  columns: Record<string, string>;
  keyColumns?: string[];
  timeoutMs?: number;
}

export type WorkflowStep = HttpStep | SheetsStep | WarehouseStep;

/** The body of POST /workflows and PUT /workflows/:id (strict: no other field). */
export interface WorkflowInput {
  name: string;
  enabled: boolean;
  trigger: string;
  conditions: WorkflowCondition[];
  steps: WorkflowStep[];
}

export interface Workflow extends WorkflowInput {
  id: number | string;
  createdAt?: string;
  updatedAt?: string;
}

export interface WorkflowsResponse {
  items: Workflow[];
}

/** GET /workflows/variables: the trigger's variables (`condition`: usable in conditions). */
export interface WorkflowVariablesResponse {
  variables: {
    name: string;
    type: 'string' | 'number' | 'timestamp';
    description: string;
    condition: boolean;
  }[];
}

/** POST /workflows/:id/test (run once now with the latest closed conversation; nothing queued). */
export interface WorkflowTestResponse {
  workflowId?: number;
  conversationId?: string;
  conditionsMatch?: boolean;
  ok?: boolean;
  steps?: unknown[];
}

/** One step's outcome, normalized from a test answer (POST /workflows/:id/test; see web/src/workflows.ts). */
export interface WorkflowStepResult {
  /** 1-based. */
  step: number;
  type?: string | undefined;
  name?: string | undefined;
  /** Not run because an earlier step failed. */
  skipped?: boolean;
  ok: boolean;
  status: number | null;
  error: string | null;
  response?: unknown;
}

export type WorkflowRunStatus = 'pending' | 'delivered' | 'dead';

/** One attempt of one step (table workflow_deliveries). */
export interface WorkflowDelivery {
  stepIndex?: number;
  attempt?: number;
  startedAt?: string | null;
  durationMs?: number | null;
  status?: 'ok' | 'error' | string;
  responseCode?: number | null;
  error?: string | null;
}

export interface WorkflowRun {
  id: number | string;
  workflowId?: number | string;
  conversationId?: string | null;
  status: WorkflowRunStatus;
  attempts: number;
  lastError?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  deliveries?: WorkflowDelivery[];
}

export interface WorkflowRunsResponse {
  items: WorkflowRun[];
}
