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

async function requestJson<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: 'application/json' } });
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
  if (!response.ok) throw new ApiError(response.status, errorText(body, text, response.statusText));
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
