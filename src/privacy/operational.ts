import { type Kysely, sql, type Transaction } from 'kysely';
import type { OperationalSchema } from '../store/index.ts';

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
 * the rejected events whose payload holds one of its identifiers as a whole string.
 */
export async function eraseJourneyEvents(
  db: Db,
  target: { keys: readonly string[]; conversationIds: readonly string[]; values: readonly string[] },
): Promise<{ events: number; rejected: number }> {
  let events = 0;
  for (const part of chunks(target.keys)) {
    const result = await db
      .deleteFrom('journey_events')
      .where('id', 'in', (eb) =>
        eb.selectFrom('journey_event_keys').select('event_id').where('key', 'in', part),
      )
      .executeTakeFirst();
    events += Number(result.numDeletedRows);
  }
  for (const part of chunks(target.conversationIds)) {
    const result = await db
      .deleteFrom('journey_events')
      .where('conversation_id', 'in', part)
      .executeTakeFirst();
    events += Number(result.numDeletedRows);
  }
  let rejected = 0;
  // Quoted, so that a value matches whole strings only ("+33612345678", not a longer number).
  for (const part of chunks(target.values.map((v) => JSON.stringify(v)))) {
    const result = await db
      .deleteFrom('journey_events_rejected')
      .where(
        sql<boolean>`exists (select 1 from unnest(${sql.val(part)}::text[]) as v(quoted)
          where strpos(payload::text, v.quoted) > 0)`,
      )
      .executeTakeFirst();
    rejected += Number(result.numDeletedRows);
  }
  return { events, rejected };
}

/**
 * Deletes what the operational store keeps of these conversations and contacts, in one transaction: their
 * workflow runs (with their delivery log and outbox messages; a run is the customer's when its
 * conversation is one of them or its contactId variable one of the contact ids), the trigger scan's
 * versions of those conversations, and the customer's journey events.
 */
export async function eraseOperational(
  db: Kysely<OperationalSchema>,
  target: {
    conversationIds: readonly string[];
    contactIds: readonly string[];
    journeyKeys: readonly string[];
    journeyValues: readonly string[];
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
      values: target.journeyValues,
    });
    const out: OperationalErasure = {
      journey_events: journey.events,
      journey_events_rejected: journey.rejected,
      workflow_runs: runs.size,
      workflow_deliveries: 0,
      outbox: 0,
      workflow_conversation_versions: 0,
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
    return out;
  });
}
