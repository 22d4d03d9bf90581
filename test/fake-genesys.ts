/**
 * An in-memory fake of the Genesys Cloud CX Platform API (login + the analytics, directory and message
 * conversation routes Caseflow uses), served by node:http on 127.0.0.1 with a random port. Response shapes
 * follow the real API.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Entity {
  id: string;
  name: string;
  [k: string]: unknown;
}

export interface FakeGenesysOptions {
  clientId: string;
  clientSecret: string;
  org?: { id: string; name: string };
  conversations?: object[];
  /**
   * Users may carry `groups: [{id}]` (returned with expand=groups only, as Genesys does); `groups` is
   * GET /api/v2/groups.
   */
  directory?: {
    users?: Entity[];
    queues?: Entity[];
    wrapupcodes?: Entity[];
    divisions?: Entity[];
    groups?: Entity[];
  };
  /**
   * GET /api/v2/conversations/messages/{id}: MessageConversation bodies by conversation id (null: 404, as
   * for a conversation past data retention). A messaging conversation not listed gets the one
   * messageConversationOf() derives from its analytics record, unless deriveMessages is false.
   */
  messageConversations?: Record<string, object | null>;
  deriveMessages?: boolean;
  /**
   * GET /api/v2/conversations/emails/{id}/messages: listings by conversation id (a number: that error status,
   * e.g. 404 or 403). An e-mail conversation not listed gets the listing emailMessagesOf() derives from its
   * analytics record.
   */
  emailMessages?: Record<string, object | number>;
  tokenTtlSeconds?: number;
  /** ISO; when absent the availability date is the current time at each request. */
  dataAvailabilityDate?: string;
  jobPendingPolls?: number;
}

export type Fault =
  | { status: number; retryAfter?: number; body?: unknown }
  | { delayMs: number }
  | { reset: true };

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  authorization: string | undefined;
}

type Conversation = Record<string, unknown> & { conversationId: string; conversationStart: string };

interface Job {
  rows: Conversation[];
  polls: number;
  expired: boolean;
  submissionDate: string;
  expirationDate: string;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const DAY_MS = 86_400_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const JOB_ROUTE = /^\/api\/v2\/analytics\/conversations\/details\/jobs\/([^/]+)(\/results)?$/;
const MESSAGE_ROUTE = /^\/api\/v2\/conversations\/messages\/([^/]+)$/;
const EMAIL_ROUTE = /^\/api\/v2\/conversations\/emails\/([^/]+)\/messages$/;
const DIRECTORY_ROUTES = new Map<string, 'users' | 'queues' | 'wrapupcodes' | 'divisions' | 'groups'>([
  ['/api/v2/users', 'users'],
  ['/api/v2/routing/queues', 'queues'],
  ['/api/v2/routing/wrapupcodes', 'wrapupcodes'],
  ['/api/v2/authorization/divisions', 'divisions'],
  ['/api/v2/groups', 'groups'],
]);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
/** A query-string integer; NaN when present but not digits. */
const intParam = (v: string | undefined, fallback: number): number =>
  v === undefined ? fallback : /^\d+$/.test(v) ? Number(v) : Number.NaN;

const ok = (body: unknown, status = 200): Reply => ({ status, body });

function codeFor(status: number): string {
  if (status === 429) return 'too.many.requests';
  if (status >= 500) return 'internal.server.error';
  if (status === 401) return 'bad.credentials';
  if (status === 404) return 'not.found';
  return 'bad.request';
}
const fail = (status: number, message: string): Reply => ({
  status,
  body: { message, code: codeFor(status), status },
});

function toConversation(record: object): Conversation {
  const c = structuredClone(record) as Record<string, unknown>;
  if (typeof c.conversationId !== 'string' || typeof c.conversationStart !== 'string') {
    throw new Error('FakeGenesys: a conversation needs string conversationId and conversationStart');
  }
  return c as Conversation;
}

const byStartThenId = (a: Conversation, b: Conversation): number =>
  Date.parse(a.conversationStart) - Date.parse(b.conversationStart) ||
  (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);

/** `<ISO start>/<ISO end>` → epoch ms, or an error message. */
function parseInterval(value: unknown): { start: number; end: number } | string {
  if (typeof value !== 'string') return 'interval is required';
  const parts = value.split('/');
  const [a = '', b = ''] = parts;
  if (parts.length !== 2 || !ISO_INSTANT.test(a) || !ISO_INSTANT.test(b))
    return `Invalid interval '${value}'`;
  const start = Date.parse(a);
  const end = Date.parse(b);
  if (Number.isNaN(start) || Number.isNaN(end)) return `Invalid interval '${value}'`;
  if (end <= start) return `Interval '${value}' must end after it starts`;
  return { start, end };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON and form bodies are parsed; other non-empty bodies stay strings. */
function parseBody(raw: string, contentType = ''): { value: unknown; invalid: boolean } {
  if (raw === '') return { value: undefined, invalid: false };
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return { value: Object.fromEntries(new URLSearchParams(raw)), invalid: false };
  }
  if (contentType.includes('json')) {
    try {
      return { value: JSON.parse(raw), invalid: false };
    } catch {
      return { value: raw, invalid: true };
    }
  }
  return { value: raw, invalid: false };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class FakeGenesys {
  readonly requests: RecordedRequest[] = [];
  onRequest?: (req: {
    method: string;
    path: string;
    query: Record<string, string>;
    body: unknown;
  }) => void | Promise<void>;

  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch(() => res.destroy());
  });
  private readonly options: FakeGenesysOptions;
  private readonly conversations = new Map<string, Conversation>();
  private readonly tokens = new Map<string, number>(); // token → expiry (epoch ms)
  private readonly jobs = new Map<string, Job>();
  private readonly messageConversations = new Map<string, object | null>();
  private readonly faults: { method?: string; path: string | RegExp; fault: Fault }[] = [];
  private availability: string | undefined;
  private issued = 0;
  private port = 0;

  private constructor(options: FakeGenesysOptions) {
    this.options = options;
    this.availability = options.dataAvailabilityDate;
    for (const c of options.conversations ?? []) this.upsertConversation(c);
    for (const [id, body] of Object.entries(options.messageConversations ?? {})) {
      this.setMessageConversation(id, body);
    }
  }

  static async start(options: FakeGenesysOptions): Promise<FakeGenesys> {
    const fake = new FakeGenesys(options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', resolve);
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  inject(match: { method?: string; path: string | RegExp }, ...faults: Fault[]): void {
    for (const fault of faults)
      this.faults.push({ method: match.method?.toUpperCase(), path: match.path, fault });
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  upsertConversation(record: object): void {
    const c = toConversation(record);
    this.conversations.set(c.conversationId, c);
  }

  /** The MessageConversation served for a conversation; null: 404 (data retention); undefined: derived. */
  setMessageConversation(conversationId: string, body: object | null | undefined): void {
    if (body === undefined) this.messageConversations.delete(conversationId);
    else this.messageConversations.set(conversationId, body === null ? null : structuredClone(body));
  }

  setDataAvailability(iso: string): void {
    this.availability = iso;
  }

  expireJobs(): void {
    for (const job of this.jobs.values()) job.expired = true;
  }

  tokensIssued(): number {
    return this.issued;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const body = parseBody(await readBody(req), req.headers['content-type']);
    const record = (status: number) =>
      this.requests.push({
        method,
        path,
        query,
        body: body.value,
        status,
        authorization: req.headers.authorization,
      });

    await this.onRequest?.({ method, path, query, body: body.value });
    const fault = this.takeFault(method, path);
    if (fault && 'reset' in fault) {
      req.socket.destroy();
      record(0);
      return;
    }
    let reply: Reply;
    if (fault && 'status' in fault) {
      reply =
        fault.body !== undefined ? ok(fault.body, fault.status) : fail(fault.status, faultMessage(fault));
      if (fault.retryAfter !== undefined) reply.headers = { 'retry-after': String(fault.retryAfter) };
    } else {
      if (fault) await sleep(fault.delayMs);
      try {
        reply = this.route(method, path, query, body.value, body.invalid, req.headers);
      } catch (err) {
        reply = fail(500, `FakeGenesys: ${String(err)}`);
      }
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
    record(reply.status);
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    return i < 0 ? undefined : this.faults.splice(i, 1)[0]?.fault;
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
    invalidBody: boolean,
    headers: IncomingHttpHeaders,
  ): Reply {
    if (method === 'POST' && path === '/oauth/token') return this.grant(headers, body);
    if (!path.startsWith('/api/v2/')) return fail(404, `No route for ${method} ${path}`);
    if (!this.authorized(headers.authorization))
      return fail(401, 'Authentication failed: invalid or expired token');
    if (invalidBody) return fail(400, 'The request body is not valid JSON');

    const route = `${method} ${path}`;
    if (route === 'GET /api/v2/organizations/me')
      return ok(this.options.org ?? { id: 'org-fake-1', name: 'Fake Org' });
    if (route === 'GET /api/v2/analytics/conversations/details/jobs/availability') {
      return ok({ dataAvailabilityDate: this.dataAvailabilityDate() });
    }
    if (route === 'POST /api/v2/analytics/conversations/details/jobs') return this.createJob(body);
    if (route === 'POST /api/v2/analytics/conversations/details/query') return this.detailsQuery(body);
    const job = JOB_ROUTE.exec(path);
    if (method === 'GET' && job) {
      const id = job[1] ?? '';
      return job[2] ? this.jobResults(id, query) : this.jobStatus(id);
    }
    const list = DIRECTORY_ROUTES.get(path);
    if (method === 'GET' && list) {
      let entities = this.options.directory?.[list] ?? [];
      // Genesys returns a user's groups only when asked for them.
      const expand = (query.expand ?? '').split(',');
      if (list === 'users' && !expand.includes('groups')) {
        entities = entities.map(({ groups: _groups, ...user }) => user as Entity);
      }
      return this.directoryPage(entities, query);
    }
    const message = MESSAGE_ROUTE.exec(path);
    if (method === 'GET' && message) return this.messageConversation(decodeURIComponent(message[1] ?? ''));
    const email = EMAIL_ROUTE.exec(path);
    if (method === 'GET' && email) return this.emailMessages(decodeURIComponent(email[1] ?? ''));
    return fail(404, `No route for ${method} ${path}`);
  }

  private grant(headers: IncomingHttpHeaders, body: unknown): Reply {
    const basic = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    const credentials = basic === undefined ? undefined : Buffer.from(basic, 'base64').toString('utf8');
    if (credentials !== `${this.options.clientId}:${this.options.clientSecret}`) {
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'Client authentication failed' },
      };
    }
    if (!isRecord(body) || body.grant_type !== 'client_credentials') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported' },
      };
    }
    const ttl = this.options.tokenTtlSeconds ?? 3600;
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + ttl * 1000);
    this.issued++;
    return ok({ access_token: token, token_type: 'bearer', expires_in: ttl });
  }

  private authorized(authorization: string | undefined): boolean {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const expiry = token === undefined ? undefined : this.tokens.get(token);
    return expiry !== undefined && expiry > Date.now();
  }

  private dataAvailabilityDate(): string {
    return this.availability ?? new Date().toISOString();
  }

  /** Live conversations with conversationStart in [start, end), by start then id. */
  private select(start: number, end: number): Conversation[] {
    return [...this.conversations.values()]
      .filter((c) => {
        const t = Date.parse(c.conversationStart);
        return t >= start && t < end;
      })
      .sort(byStartThenId);
  }

  private createJob(body: unknown): Reply {
    const interval = parseInterval(isRecord(body) ? body.interval : undefined);
    if (typeof interval === 'string') return fail(400, interval);
    const availability = this.dataAvailabilityDate();
    if (interval.end > Date.parse(availability)) {
      return fail(400, `The interval end is later than the dataAvailabilityDate ${availability}`);
    }
    const jobId = randomUUID();
    const now = Date.now();
    this.jobs.set(jobId, {
      rows: this.select(interval.start, interval.end),
      polls: 0,
      expired: false,
      submissionDate: new Date(now).toISOString(),
      expirationDate: new Date(now + DAY_MS).toISOString(),
    });
    return ok({ jobId }, 202);
  }

  private jobStatus(id: string): Reply {
    const job = this.jobs.get(id);
    if (!job) return fail(404, `Job ${id} not found`);
    const pending = this.options.jobPendingPolls ?? 2;
    const state = job.expired
      ? 'EXPIRED'
      : job.polls >= pending
        ? 'FULFILLED'
        : job.polls === 0
          ? 'QUEUED'
          : 'PENDING';
    job.polls++;
    return ok({ state, submissionDate: job.submissionDate, expirationDate: job.expirationDate });
  }

  private jobResults(id: string, query: Record<string, string>): Reply {
    const job = this.jobs.get(id);
    if (!job || job.expired) return fail(404, `Job ${id} not found or expired`);
    if (job.polls < (this.options.jobPendingPolls ?? 2)) return fail(400, `Job ${id} is not FULFILLED yet`);
    const pageSize = intParam(query.pageSize, 1000);
    if (!isInt(pageSize, 1, 1000)) return fail(400, 'pageSize must be between 1 and 1000');
    let offset = 0;
    if (query.cursor) {
      offset = intParam(Buffer.from(query.cursor, 'base64url').toString('utf8'), Number.NaN);
      if (!isInt(offset, 1, job.rows.length)) return fail(400, `Invalid cursor '${query.cursor}'`);
    }
    const next = offset + pageSize;
    return ok({
      conversations: job.rows.slice(offset, next),
      ...(next < job.rows.length ? { cursor: Buffer.from(String(next)).toString('base64url') } : {}),
      dataAvailabilityDate: this.dataAvailabilityDate(),
    });
  }

  private detailsQuery(body: unknown): Reply {
    if (!isRecord(body)) return fail(400, 'A JSON query body is required');
    const interval = parseInterval(body.interval);
    if (typeof interval === 'string') return fail(400, interval);
    if (interval.end - interval.start > 31 * DAY_MS) return fail(400, 'The interval may not exceed 31 days');
    const paging = isRecord(body.paging) ? body.paging : {};
    const pageSize = paging.pageSize ?? 25;
    const pageNumber = paging.pageNumber ?? 1;
    if (!isInt(pageSize, 1, 100)) return fail(400, 'paging.pageSize must be between 1 and 100');
    if (!isInt(pageNumber, 1)) return fail(400, 'paging.pageNumber must be at least 1');
    const rows = this.select(interval.start, interval.end);
    const page = rows.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return ok(page.length > 0 ? { conversations: page, totalHits: rows.length } : { totalHits: rows.length });
  }

  private messageConversation(id: string): Reply {
    const set = this.messageConversations.get(id);
    if (set === null) return fail(404, `Conversation ${id} not found`);
    if (set !== undefined) return ok(set);
    const record = this.conversations.get(id);
    const derived =
      record && this.options.deriveMessages !== false ? messageConversationOf(record) : undefined;
    return derived ? ok(derived) : fail(404, `Conversation ${id} not found`);
  }

  private emailMessages(id: string): Reply {
    const set = this.options.emailMessages?.[id];
    if (typeof set === 'number') return fail(set, `Conversation ${id}: HTTP ${set}`);
    if (set !== undefined) return ok(set);
    const record = this.conversations.get(id);
    const derived = record ? emailMessagesOf(record) : undefined;
    return derived ? ok(derived) : fail(404, `Conversation ${id} not found`);
  }

  private directoryPage(entities: Entity[], query: Record<string, string>): Reply {
    const pageSize = intParam(query.pageSize, 25);
    const pageNumber = intParam(query.pageNumber, 1);
    if (!isInt(pageSize, 1, 500)) return fail(400, 'pageSize must be between 1 and 500');
    if (!isInt(pageNumber, 1)) return fail(400, 'pageNumber must be at least 1');
    return ok({
      entities: entities.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
      pageSize,
      pageNumber,
      total: entities.length,
      pageCount: Math.ceil(entities.length / pageSize),
    });
  }
}

function faultMessage(fault: { status: number; retryAfter?: number }): string {
  if (fault.status === 429) {
    return `Rate limit exceeded the maximum${fault.retryAfter === undefined ? '' : `. Retry the request in [${fault.retryAfter}] seconds`}`;
  }
  return `Injected fault: HTTP ${fault.status}`;
}

// ---------------------------------------------------------------------------------------------------------
// Message conversations derived from analytics records

interface RecordSegment {
  segmentStart: string;
  segmentEnd?: string;
  segmentType?: string;
}
interface RecordParticipant {
  participantId?: string;
  participantName?: string;
  purpose: string;
  userId?: string;
  externalContactId?: string;
  sessions: {
    mediaType: string;
    messageType?: string;
    addressFrom?: string;
    addressTo?: string;
    segments: RecordSegment[];
  }[];
}

/** A small deterministic PRNG (mulberry32) seeded from a text. */
function prng(seed: string): () => number {
  let a = createHash('sha1').update(seed).digest().readUInt32BE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A UUID-shaped id derived from a text. */
function uuidOf(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The MessageConversation (GET /api/v2/conversations/messages/{id}) of a messaging analytics record, as
 * Genesys would give it, deterministic for a record: one MessageMediaParticipant per participant with a
 * message session (purpose, name, user, type), each with the MessageDetails of the messages it sent — the
 * customer's opening message (inbound conversations), turns with the bot flow during its interact segments
 * and with each agent during theirs; the customer's are `received`, the others `delivery-success`, `read`,
 * now and then `delivery-failed` with errorInfo, `sent` while the segment is still open; a typing event
 * (messageMetadata type Event) now and then, and an image (media) now and then. A segment still open has
 * the messages of its first ten minutes (the exchange goes on while the record says nothing more); the others
 * end with their segment. Undefined for other media.
 */
export function messageConversationOf(record: object): object | undefined {
  const r = record as {
    conversationId: string;
    conversationStart: string;
    originatingDirection?: string;
    participants: RecordParticipant[];
  };
  const withMessages = r.participants.filter((p) => p.sessions.some((s) => s.mediaType === 'message'));
  const customer = withMessages.find((p) => p.purpose === 'customer' || p.purpose === 'external');
  if (!customer) return undefined;
  const rng = prng(r.conversationId);
  const type = customer.sessions.find((s) => s.mediaType === 'message')?.messageType ?? 'webmessaging';
  const messages = new Map<RecordParticipant, object[]>(withMessages.map((p) => [p, []]));
  let n = 0;
  const push = (p: RecordParticipant, t: number, open: boolean, extra: Record<string, unknown> = {}) => {
    const inbound = p === customer;
    const roll = rng();
    const failed = !inbound && !open && roll < 0.04;
    messages.get(p)?.push({
      messageId: uuidOf(`${r.conversationId}/${n++}`),
      messageURI: `/api/v2/conversations/messages/${r.conversationId}/messages/${n}`,
      messageStatus: inbound
        ? 'received'
        : open
          ? 'sent'
          : failed
            ? 'delivery-failed'
            : roll < 0.5
              ? 'delivery-success'
              : 'read',
      messageSegmentCount: 1,
      messageTime: new Date(t).toISOString(),
      messageMetadata: { type: 'Text' },
      ...(failed
        ? { errorInfo: { status: 400, code: 'recipient.unreachable', message: 'Recipient unreachable' } }
        : {}),
      ...extra,
    });
  };
  const start = Date.parse(r.conversationStart);
  if (r.originatingDirection !== 'outbound') push(customer, start, false);
  for (const p of withMessages) {
    if (p === customer) continue;
    const agent = p.purpose === 'agent' || p.purpose === 'user';
    if (!agent && p.purpose !== 'workflow') continue;
    for (const s of p.sessions) {
      if (s.mediaType !== 'message') continue;
      for (const g of s.segments) {
        if (g.segmentType !== 'interact') continue;
        const from = Date.parse(g.segmentStart);
        const open = g.segmentEnd === undefined;
        const to = open ? from + 10 * 60_000 : Date.parse(g.segmentEnd as string);
        let t = from + Math.round((agent ? 5 + rng() * 35 : 1 + rng() * 2) * 1000);
        let ownTurn = true;
        for (let i = 0; i < (agent ? 8 : 4) && t < to; i += 1) {
          if (ownTurn) push(p, t, open);
          else if (rng() < 0.15) {
            // The customer types, then sends a picture.
            push(customer, t - 3000, false, { messageMetadata: { type: 'Event' } });
            push(customer, t, false, {
              media: [
                { mediaType: 'image/jpeg', url: `https://example.invalid/${r.conversationId}/${i}.jpg` },
              ],
            });
          } else push(customer, t, false);
          ownTurn = !ownTurn;
          t += Math.round((agent ? 20 + rng() * 130 : 8 + rng() * 30) * 1000);
        }
      }
    }
  }
  return {
    id: r.conversationId,
    participants: withMessages.map((p) => ({
      id: p.participantId ?? uuidOf(`${r.conversationId}/participant/${p.purpose}`),
      name: p.participantName ?? p.purpose,
      purpose: p.purpose,
      state: 'disconnected',
      ...(p.userId ? { user: { id: p.userId, selfUri: `/api/v2/users/${p.userId}` } } : {}),
      ...(p.externalContactId ? { externalContact: { id: p.externalContactId } } : {}),
      type,
      messages: messages.get(p) ?? [],
    })),
    selfUri: `/api/v2/conversations/messages/${r.conversationId}`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// E-mail messages derived from analytics records

/**
 * The EmailMessagePreviewListing (GET /api/v2/conversations/emails/{id}/messages) of an e-mail analytics
 * record, deterministic for a record: the customer's message at the start (inbound conversations; from the
 * customer session's addressFrom), then for each agent interact segment that has ended, the agent's reply
 * (from the organization's address: the customer session's addressTo) and now and then the customer's answer
 * a little later. Undefined for other media.
 */
export function emailMessagesOf(record: object): object | undefined {
  const r = record as {
    conversationId: string;
    conversationStart: string;
    originatingDirection?: string;
    participants: RecordParticipant[];
  };
  const customer = r.participants.find((p) => p.purpose === 'customer' || p.purpose === 'external');
  const session = customer?.sessions.find((s) => s.mediaType === 'email');
  if (!customer || !session) return undefined;
  const outbound = r.originatingDirection === 'outbound';
  const customerAddress = {
    email: (outbound ? session.addressTo : session.addressFrom) ?? 'customer@example.invalid',
    name: customer.participantName ?? 'Client',
  };
  const org = {
    email: (outbound ? session.addressFrom : session.addressTo) ?? 'support@example.invalid',
    name: 'Support',
  };
  const rng = prng(`${r.conversationId}/email`);
  const entities: object[] = [];
  const push = (from: { email: string; name: string }, to: { email: string; name: string }, t: number) => {
    const n = entities.length;
    entities.push({
      id: uuidOf(`${r.conversationId}/email/${n}`),
      from,
      to: [to],
      subject: n === 0 ? 'Demande' : 'RE: Demande',
      attachments: [],
      textBodyPreview: '…',
      time: new Date(t).toISOString(),
      historyIncluded: n > 0,
      selfUri: `/api/v2/conversations/emails/${r.conversationId}/messages/${n}`,
    });
  };
  if (!outbound) push(customerAddress, org, Date.parse(r.conversationStart));
  for (const p of r.participants) {
    if (p.purpose !== 'agent' && p.purpose !== 'user') continue;
    for (const s of p.sessions) {
      if (s.mediaType !== 'email') continue;
      for (const g of s.segments) {
        if (g.segmentType !== 'interact' || g.segmentEnd === undefined) continue;
        const end = Date.parse(g.segmentEnd);
        push(org, customerAddress, end - Math.round((5 + rng() * 60) * 1000));
        if (rng() < 0.3) push(customerAddress, org, end + Math.round((60 + rng() * 3600) * 1000));
      }
    }
  }
  return {
    entities,
    pageSize: entities.length,
    pageNumber: 1,
    total: entities.length,
    pageCount: 1,
    selfUri: `/api/v2/conversations/emails/${r.conversationId}/messages`,
  };
}
