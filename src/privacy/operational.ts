import { type Kysely, sql, type Transaction } from 'kysely';
import { addressIdentifier, customerIdentifiers, parseKey } from '../journey/identifiers.ts';
import type { JsonValue, OperationalSchema } from '../store/index.ts';

type Db = Kysely<OperationalSchema> | Transaction<OperationalSchema>;

/** What the erasure deleted from the operational store. */
export interface OperationalErasure {
  journey_events: number;
  /** Rejected journey events whose payload names the customer. */
  journey_events_rejected: number;
  workflow_runs: number;
  workflow_deliveries: number;
  outbox: number;
  workflow_conversation_versions: number;
  /** Work items whose customer is this one (their lifecycle events go with them). */
  work_items: number;
  work_item_events: number;
  /** Delivery log rows of the work items' callback messages (the messages count in `outbox`). */
  work_callback_deliveries: number;
}

const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Deletes the journey events of a customer (migration 0006, src/journey): those stored under one of its
 * identifier keys (journey_event_keys; their key rows go with them) or about one of its conversations, and
 * the rejected events whose customer fields have one of its keys once normalized (customer_keys, computed
 * by the journey when it rejects them; migration 0010) or that are about one of its conversations.
 */
export async function eraseJourneyEvents(
  db: Db,
  target: { keys: readonly string[]; conversationIds: readonly string[] },
): Promise<{ events: number; rejected: number }> {
  let events = 0;
  let rejected = 0;
  for (const part of chunks(target.keys)) {
    const result = await db
      .deleteFrom('journey_events')
      .where('id', 'in', (eb) =>
        eb.selectFrom('journey_event_keys').select('event_id').where('key', 'in', part),
      )
      .executeTakeFirst();
    events += Number(result.numDeletedRows);
    const rejections = await db
      .deleteFrom('journey_events_rejected')
      .where(sql<boolean>`customer_keys ?| ${sql.val(part)}::text[]`)
      .executeTakeFirst();
    rejected += Number(rejections.numDeletedRows);
  }
  for (const part of chunks(target.conversationIds)) {
    const result = await db
      .deleteFrom('journey_events')
      .where('conversation_id', 'in', part)
      .executeTakeFirst();
    events += Number(result.numDeletedRows);
    const rejections = await db
      .deleteFrom('journey_events_rejected')
      .where(sql<string>`payload->>'conversationId'`, 'in', part)
      .executeTakeFirst();
    rejected += Number(rejections.numDeletedRows);
  }
  rejected += await eraseUnkeyedRejections(db, new Set(target.keys));
  return { events, rejected };
}

/**
 * The rejected events stored before migration 0010 have no customer_keys: the keys of their payload's
 * customer fields (stored as accepted events' are) are computed here.
 */
async function eraseUnkeyedRejections(db: Db, keys: ReadonlySet<string>): Promise<number> {
  if (keys.size === 0) return 0;
  let erased = 0;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('journey_events_rejected')
      .select(['id', 'payload'])
      .where(sql<boolean>`customer_keys = '[]'::jsonb`)
      .where('id', '>', after)
      .orderBy('id')
      .limit(CHUNK)
      .execute();
    const last = rows.at(-1);
    if (!last) return erased;
    after = last.id;
    const ids = rows.filter((r) => payloadKeys(r.payload).some((k) => keys.has(k))).map((r) => r.id);
    if (ids.length === 0) continue;
    const result = await db.deleteFrom('journey_events_rejected').where('id', 'in', ids).executeTakeFirst();
    erased += Number(result.numDeletedRows);
  }
}

function payloadKeys(payload: JsonValue): string[] {
  const customer = isObject(payload) ? payload.customer : undefined;
  if (!isObject(customer)) return [];
  const field = (name: string) => {
    const value = customer[name];
    return typeof value === 'string' && value.trim() ? value : undefined;
  };
  return customerIdentifiers({
    externalContactId: field('externalContactId'),
    phone: field('phone'),
    email: field('email'),
    messagingAddress: field('messagingAddress'),
  }).map((i) => i.key);
}

const isObject = (v: JsonValue | undefined): v is { [key: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A work item's customer key as the journey normalizes it (items keep the key their source system gave). */
function normalizedItemKey(key: string): string | null {
  const parsed = parseKey(key.trim());
  if (!parsed) return null;
  if (parsed.kind === 'externalContactId') return `contact:${parsed.value.trim()}`;
  return addressIdentifier(parsed.value)?.key ?? null;
}

/**
 * Deletes the work items whose customer key is one of the customer's identifier keys, as given or once
 * normalized (their events go with them, on delete cascade), and their callback messages — whose payload
 * holds the item — with their delivery log.
 */
export async function eraseWorkItems(
  db: Db,
  keys: readonly string[],
): Promise<{ items: number; events: number; outbox: number; deliveries: number }> {
  const out = { items: 0, events: 0, outbox: 0, deliveries: 0 };
  const wanted = new Set(keys);
  if (wanted.size === 0) return out;
  const matching: string[] = [];
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('work_items')
      .select('customer_key')
      .distinct()
      .where('customer_key', 'is not', null)
      .where('customer_key', '>', after)
      .orderBy('customer_key')
      .limit(CHUNK)
      .execute();
    const last = rows.at(-1)?.customer_key;
    if (!last) break;
    after = last;
    for (const { customer_key: key } of rows) {
      if (key !== null && (wanted.has(key) || wanted.has(normalizedItemKey(key) ?? ''))) matching.push(key);
    }
  }
  for (const part of chunks(matching)) {
    const ids = (
      await db.selectFrom('work_items').select('id').where('customer_key', 'in', part).execute()
    ).map((r) => r.id);
    for (const idPart of chunks(ids)) {
      const messages = db
        .selectFrom('outbox')
        .select('id')
        .where('topic', '=', 'work.callback')
        .where(sql<string>`payload->>'itemId'`, 'in', idPart);
      const deliveries = await db
        .selectFrom('work_callback_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('message_id', 'in', messages)
        .executeTakeFirstOrThrow();
      out.deliveries += Number(deliveries.n);
      const outbox = await db
        .deleteFrom('outbox')
        .where('topic', '=', 'work.callback')
        .where(sql<string>`payload->>'itemId'`, 'in', idPart)
        .executeTakeFirst();
      out.outbox += Number(outbox.numDeletedRows);
      const events = await db
        .selectFrom('work_item_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('item_id', 'in', idPart)
        .executeTakeFirstOrThrow();
      out.events += Number(events.n);
      const items = await db.deleteFrom('work_items').where('id', 'in', idPart).executeTakeFirst();
      out.items += Number(items.numDeletedRows);
    }
  }
  return out;
}

/**
 * Deletes what the operational store keeps of these conversations and contacts, in one transaction: their
 * workflow runs (with their delivery log and outbox messages; a run is the customer's when its
 * conversation is one of them or its contactId variable one of the contact ids), the trigger scan's
 * versions of those conversations, the customer's journey events, and their work items (eraseWorkItems).
 */
export async function eraseOperational(
  db: Kysely<OperationalSchema>,
  target: {
    conversationIds: readonly string[];
    contactIds: readonly string[];
    journeyKeys: readonly string[];
  },
): Promise<OperationalErasure> {
  return db.transaction().execute(async (trx) => {
    const runs = new Map<number, number | null>();
    for (const part of chunks(target.conversationIds)) {
      const rows = await trx
        .selectFrom('workflow_runs')
        .select(['id', 'outbox_id'])
        .where('conversation_id', 'in', part)
        .execute();
      for (const r of rows) runs.set(r.id, r.outbox_id);
    }
    for (const part of chunks(target.contactIds)) {
      const rows = await trx
        .selectFrom('workflow_runs')
        .select(['id', 'outbox_id'])
        .where(sql<string>`variables->>'contactId'`, 'in', part)
        .execute();
      for (const r of rows) runs.set(r.id, r.outbox_id);
    }
    const journey = await eraseJourneyEvents(trx, {
      keys: target.journeyKeys,
      conversationIds: target.conversationIds,
    });
    const out: OperationalErasure = {
      journey_events: journey.events,
      journey_events_rejected: journey.rejected,
      workflow_runs: runs.size,
      workflow_deliveries: 0,
      outbox: 0,
      workflow_conversation_versions: 0,
      work_items: 0,
      work_item_events: 0,
      work_callback_deliveries: 0,
    };
    for (const part of chunks([...runs.keys()])) {
      const deliveries = await trx
        .selectFrom('workflow_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('run_id', 'in', part)
        .executeTakeFirstOrThrow();
      out.workflow_deliveries += Number(deliveries.n);
      // The delivery log goes with its runs (on delete cascade).
      await trx.deleteFrom('workflow_runs').where('id', 'in', part).execute();
    }
    const outboxIds = [...runs.values()].filter((id): id is number => id !== null);
    for (const part of chunks(outboxIds)) {
      const result = await trx.deleteFrom('outbox').where('id', 'in', part).executeTakeFirst();
      out.outbox += Number(result.numDeletedRows);
    }
    for (const part of chunks(target.conversationIds)) {
      const result = await trx
        .deleteFrom('workflow_conversation_versions')
        .where('conversation_id', 'in', part)
        .executeTakeFirst();
      out.workflow_conversation_versions += Number(result.numDeletedRows);
    }
    const work = await eraseWorkItems(trx, target.journeyKeys);
    out.work_items = work.items;
    out.work_item_events = work.events;
    out.work_callback_deliveries = work.deliveries;
    out.outbox += work.outbox;
    return out;
  });
}
