import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { JsonValue, OperationalSchema } from '../store/index.ts';
import { isChannelName } from './channels.ts';
import {
  addressIdentifier,
  type CustomerFields,
  customerFieldProblems,
  customerIdentifiers,
} from './identifiers.ts';

/**
 * Journey events (POST /api/v1/journey/events): web visits, page views and content offers, and the live
 * activity of messaging conversations not yet synced. Each event is validated on its own: the good ones
 * are stored even when others are rejected; the rejected ones are answered with their index, field and
 * reason, and kept in journey_events_rejected with their sender, their division (when the sender may write
 * to it) and their customer's identifier keys (what can be read of them: erasure finds them by those); the
 * sender and the users of that division list them. The event id is the idempotency key: an id already stored
 * is a duplicate and changes nothing.
 */

export const JOURNEY_EVENT_TYPES = [
  'web.visit',
  'web.pageView',
  'web.contentOffer',
  'message.inbound',
  'message.outbound',
  'interaction.started',
  'interaction.ended',
] as const;
export type JourneyEventType = (typeof JOURNEY_EVENT_TYPES)[number];

/** At most this many events per request. */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** An event may lie at most this far in the future (clock skew). */
export const MAX_FUTURE_MS = 5 * 60_000;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const attributeValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const journeyEventSchema = z.strictObject({
  id: text(200).describe('the sender’s event id: a repeated id is a duplicate and changes nothing'),
  type: z.enum(JOURNEY_EVENT_TYPES),
  occurredAt: z.iso
    .datetime({
      offset: true,
      error: 'must be an ISO-8601 date-time with a zone (e.g. 2026-10-31T08:30:00Z)',
    })
    .describe('at most 5 minutes in the future'),
  customer: z
    .strictObject({
      externalContactId: text(200).optional(),
      phone: text(100).optional(),
      email: text(320).optional(),
      messagingAddress: text(500).optional(),
    })
    .describe('at least one identifier'),
  conversationId: text(200)
    .optional()
    .describe('required by message.* and interaction.* events: the conversation they belong to'),
  channel: z
    .string()
    .refine(
      isChannelName,
      'not a channel: voice, callback, webMessaging, chat, sms, whatsapp, line, twitter, facebook, email, other',
    )
    .optional()
    .describe('of the conversation; message events default to webMessaging'),
  direction: z.enum(['inbound', 'outbound']).optional(),
  queue: text(500).optional(),
  agent: text(500).optional(),
  title: text(500).optional(),
  url: text(4000).optional(),
  attributes: z
    .record(z.string().min(1).max(200), attributeValue)
    .refine((a) => Object.keys(a).length <= 100, 'at most 100 attributes')
    .optional(),
  divisionId: text(200).optional().describe('default: the configuration’s divisions.default'),
});
export type JourneyEventInput = z.infer<typeof journeyEventSchema>;

/** A stored journey event. Times are epoch ms. */
export interface JourneyEvent {
  id: string;
  type: JourneyEventType;
  occurredAt: number;
  /** The customer's identifier keys, sorted. */
  keys: string[];
  conversationId: string | null;
  channel: string | null;
  direction: 'inbound' | 'outbound' | null;
  queue: string | null;
  agent: string | null;
  title: string | null;
  url: string | null;
  attributes: Record<string, string | number | boolean | null>;
  divisionId: string;
}

export interface Rejection {
  index: number;
  field: string;
  message: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

export interface IngestContext {
  now: number;
  /** The division of events that name none. */
  defaultDivision: string;
  /** The sender's user id. */
  sender: string;
  /** The divisions the sender may write to. */
  divisions: readonly string[] | 'all';
  /** The customer as stored (pseudonymized when privacy.pseudonymize is on). */
  storedCustomer: (customer: CustomerFields) => CustomerFields;
}

const CONVERSATION_TYPES = new Set<JourneyEventType>([
  'message.inbound',
  'message.outbound',
  'interaction.started',
  'interaction.ended',
]);

/** The problems of one event ([field, message]); an empty list when it is good. */
function problemsOf(
  input: unknown,
  context: IngestContext,
): { event?: JourneyEventInput; problems: [string, string][] } {
  const parsed = journeyEventSchema.safeParse(input);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.flatMap((issue): [string, string][] => {
        const where = issue.path.join('.');
        if (issue.code === 'unrecognized_keys')
          return issue.keys.map((k): [string, string] => [where ? `${where}.${k}` : k, 'unknown field']);
        const message =
          issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
        return [[where || '(event)', message]];
      }),
    };
  }
  const event = parsed.data;
  const problems = customerFieldProblems(event.customer);
  if (CONVERSATION_TYPES.has(event.type) && !event.conversationId)
    problems.push(['conversationId', `required for ${event.type} events`]);
  const occurredAt = Date.parse(event.occurredAt);
  if (occurredAt > context.now + MAX_FUTURE_MS)
    problems.push([
      'occurredAt',
      `${event.occurredAt} is more than 5 minutes in the future (server time ${new Date(context.now).toISOString()})`,
    ]);
  const division = event.divisionId ?? context.defaultDivision;
  if (context.divisions !== 'all' && !context.divisions.includes(division))
    problems.push([
      event.divisionId ? 'divisionId' : '(event)',
      `division "${division}" is not one of yours${event.divisionId ? '' : ' (the default division; name one of yours in divisionId)'}`,
    ]);
  return { event, problems };
}

function toStored(event: JourneyEventInput, context: IngestContext): JourneyEvent {
  const customer = context.storedCustomer(event.customer);
  return {
    id: event.id,
    type: event.type,
    occurredAt: Date.parse(event.occurredAt),
    keys: customerIdentifiers(customer).map((i) => i.key),
    conversationId: event.conversationId ?? null,
    channel: event.channel ?? null,
    direction: event.direction ?? null,
    queue: event.queue ?? null,
    agent: event.agent ?? null,
    title: event.title ?? null,
    url: event.url ?? null,
    attributes: event.attributes ?? {},
    divisionId: event.divisionId ?? context.defaultDivision,
  };
}

const asRecord = (value: unknown): Record<string, JsonValue> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, JsonValue>)
    : null;

/** The customer fields of a rejected event that are strings with something in them. */
function rawCustomerFields(input: unknown): CustomerFields {
  const customer = asRecord(asRecord(input)?.customer);
  const fields: CustomerFields = {};
  for (const name of ['externalContactId', 'phone', 'email', 'messagingAddress'] as const) {
    const value = customer?.[name];
    if (typeof value === 'string' && value.trim()) fields[name] = value;
  }
  return fields;
}

/** The payload of a rejected event as kept: its customer fields stored as accepted ones would be. */
function keptPayload(input: unknown, context: IngestContext): JsonValue {
  const event = asRecord(input);
  if (!event) return (input ?? null) as JsonValue;
  const customer = asRecord(event.customer);
  if (!customer) return { ...event };
  const stored = context.storedCustomer(rawCustomerFields(input)) as Record<string, string>;
  return { ...event, customer: { ...customer, ...stored } };
}

/**
 * The identifier keys of a rejected event's customer, as an accepted event's would be stored: of its
 * fields that are good (a phone field that is no phone number names no one).
 */
function keptCustomerKeys(input: unknown, context: IngestContext): string[] {
  const fields = rawCustomerFields(input);
  if (fields.phone && addressIdentifier(fields.phone)?.kind !== 'phone') delete fields.phone;
  if (fields.email && addressIdentifier(fields.email)?.kind !== 'email') delete fields.email;
  return customerIdentifiers(context.storedCustomer(fields)).map((i) => i.key);
}

/** The division a rejected event was meant for when the sender may write to it; else null. */
function keptDivision(input: unknown, context: IngestContext): string | null {
  const named = asRecord(input)?.divisionId;
  const division = typeof named === 'string' && named.trim() ? named.trim() : context.defaultDivision;
  return context.divisions === 'all' || context.divisions.includes(division) ? division : null;
}

/**
 * Validates and stores a batch of events in one transaction: good events (new ids) with their customer
 * keys, rejected ones in the quarantine. Returns the counts and the events stored now.
 */
export async function ingestEvents(
  db: Kysely<OperationalSchema>,
  inputs: readonly unknown[],
  context: IngestContext,
): Promise<{ result: IngestResult; stored: JourneyEvent[] }> {
  const good: JourneyEvent[] = [];
  const rejected: Rejection[] = [];
  const quarantine: {
    index: number;
    eventId: string | null;
    problems: Rejection[];
    payload: JsonValue;
    division: string | null;
    keys: string[];
  }[] = [];
  inputs.forEach((input, index) => {
    const { event, problems } = problemsOf(input, context);
    if (event && problems.length === 0) {
      good.push(toStored(event, context));
      return;
    }
    const mine = problems.map(([field, message]) => ({ index, field, message }));
    rejected.push(...mine);
    const id = (input as { id?: unknown } | null)?.id;
    quarantine.push({
      index,
      eventId: typeof id === 'string' ? id.slice(0, 200) : null,
      problems: mine,
      payload: keptPayload(input, context),
      division: keptDivision(input, context),
      keys: keptCustomerKeys(input, context),
    });
  });
  const receivedAt = new Date(context.now).toISOString();
  const stored = await db.transaction().execute(async (trx) => {
    let inserted: JourneyEvent[] = [];
    if (good.length > 0) {
      const ids = await trx
        .insertInto('journey_events')
        .values(
          good.map((e) => ({
            id: e.id,
            type: e.type,
            occurred_at: new Date(e.occurredAt).toISOString(),
            received_at: receivedAt,
            customer_keys: sql<string>`cast(${JSON.stringify(e.keys)} as jsonb)`,
            conversation_id: e.conversationId,
            channel: e.channel,
            direction: e.direction,
            queue: e.queue,
            agent: e.agent,
            title: e.title,
            url: e.url,
            attributes: sql<string>`cast(${JSON.stringify(e.attributes)} as jsonb)`,
            division_id: e.divisionId,
          })),
        )
        .onConflict((conflict) => conflict.column('id').doNothing())
        .returning('id')
        .execute();
      const insertedIds = new Set(ids.map((r) => r.id));
      // A repeated id inside the batch: the first one is stored.
      const seen = new Set<string>();
      inserted = good.filter((e) => insertedIds.has(e.id) && !seen.has(e.id) && seen.add(e.id));
      const keys = inserted.flatMap((e) => e.keys.map((key) => ({ key, event_id: e.id })));
      if (keys.length > 0) await trx.insertInto('journey_event_keys').values(keys).execute();
    }
    if (quarantine.length > 0) {
      await trx
        .insertInto('journey_events_rejected')
        .values(
          quarantine.map((q) => ({
            received_at: receivedAt,
            batch_index: q.index,
            event_id: q.eventId,
            problems: JSON.stringify(q.problems.map(({ field, message }) => ({ field, message }))),
            payload: JSON.stringify(q.payload),
            sender_id: context.sender,
            division_id: q.division,
            customer_keys: JSON.stringify(q.keys),
          })),
        )
        .execute();
    }
    return inserted;
  });
  return {
    result: { accepted: stored.length, duplicates: good.length - stored.length, rejected },
    stored,
  };
}

export interface RejectedEvent {
  id: number;
  receivedAt: string;
  index: number;
  eventId: string | null;
  problems: { field: string; message: string }[];
  event: JsonValue;
  /** The sender's user id; null for events rejected before senders were kept. */
  sentBy: string | null;
  /** The division the event was meant for, when the sender may write to it. */
  divisionId: string | null;
}

/** Who lists the rejected events: their user id and divisions. */
export interface RejectedViewer {
  userId: string;
  divisions: readonly string[] | 'all';
}

/**
 * The rejected events the viewer may see, newest first: all of them for a viewer of every division; else
 * the ones they sent and those meant for one of their divisions.
 */
export async function listRejected(
  db: Kysely<OperationalSchema>,
  options: { limit: number; before?: number | undefined },
  viewer: RejectedViewer,
): Promise<RejectedEvent[]> {
  let query = db.selectFrom('journey_events_rejected').selectAll();
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  const divisions = viewer.divisions;
  if (divisions !== 'all')
    query = query.where((eb) =>
      divisions.length === 0
        ? eb('sender_id', '=', viewer.userId)
        : eb.or([eb('sender_id', '=', viewer.userId), eb('division_id', 'in', [...divisions])]),
    );
  const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    receivedAt: r.received_at,
    index: r.batch_index,
    eventId: r.event_id,
    problems: r.problems as { field: string; message: string }[],
    event: r.payload,
    sentBy: r.sender_id,
    divisionId: r.division_id,
  }));
}

type EventRow = {
  id: string;
  type: string;
  occurred_at: string;
  customer_keys: JsonValue;
  conversation_id: string | null;
  channel: string | null;
  direction: string | null;
  queue: string | null;
  agent: string | null;
  title: string | null;
  url: string | null;
  attributes: JsonValue;
  division_id: string;
};

function fromRow(r: EventRow): JourneyEvent {
  return {
    id: r.id,
    type: r.type as JourneyEventType,
    occurredAt: Date.parse(r.occurred_at),
    keys: r.customer_keys as string[],
    conversationId: r.conversation_id,
    channel: r.channel,
    direction: r.direction === 'inbound' || r.direction === 'outbound' ? r.direction : null,
    queue: r.queue,
    agent: r.agent,
    title: r.title,
    url: r.url,
    attributes: r.attributes as JourneyEvent['attributes'],
    divisionId: r.division_id,
  };
}

/**
 * The events of some conversations, and the web events (no conversation) carrying one of some keys —
 * the newest `webLimit` of those — in the divisions given.
 */
export async function eventsFor(
  db: Kysely<OperationalSchema>,
  target: { conversationIds: readonly string[]; keys: readonly string[]; webLimit: number },
  divisions: readonly string[] | 'all',
): Promise<JourneyEvent[]> {
  if (divisions !== 'all' && divisions.length === 0) return [];
  const out: JourneyEvent[] = [];
  for (const part of chunks(target.conversationIds)) {
    let q = db.selectFrom('journey_events').selectAll().where('conversation_id', 'in', part);
    if (divisions !== 'all') q = q.where('division_id', 'in', [...divisions]);
    out.push(...(await q.execute()).map(fromRow));
  }
  if (target.keys.length > 0) {
    let q = db
      .selectFrom('journey_events')
      .selectAll()
      .where('conversation_id', 'is', null)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('journey_event_keys')
          .select('event_id')
          .where('key', 'in', [...target.keys]),
      );
    if (divisions !== 'all') q = q.where('division_id', 'in', [...divisions]);
    const rows = await q.orderBy('occurred_at', 'desc').orderBy('id').limit(target.webLimit).execute();
    out.push(...rows.map(fromRow));
  }
  return out;
}

/** Whether a web event (no conversation) of these divisions carries an identifier key. */
export async function webEventCarries(
  db: Kysely<OperationalSchema>,
  key: string,
  divisions: readonly string[] | 'all',
): Promise<boolean> {
  if (divisions !== 'all' && divisions.length === 0) return false;
  let q = db
    .selectFrom('journey_event_keys as k')
    .innerJoin('journey_events as e', 'e.id', 'k.event_id')
    .select('e.id')
    .where('k.key', '=', key)
    .where('e.conversation_id', 'is', null);
  if (divisions !== 'all') q = q.where('e.division_id', 'in', [...divisions]);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}

/** Every distinct (conversation, customer keys) of the stored events: what the identity index links. */
export async function eventIdentities(
  db: Kysely<OperationalSchema>,
): Promise<{ conversationId: string | null; keys: string[] }[]> {
  const rows = await db
    .selectFrom('journey_events')
    .select(['conversation_id', 'customer_keys'])
    .distinct()
    .execute();
  return rows.map((r) => ({ conversationId: r.conversation_id, keys: r.customer_keys as string[] }));
}

const CHUNK = 1000;
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
