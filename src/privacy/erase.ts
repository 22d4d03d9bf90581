import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { audit } from '../access/index.ts';
import type { CaseflowConfig } from '../config/index.ts';
import { ensureMaterialized } from '../mining/index.ts';
import { appendRow } from '../store/duckdb.ts';
import type { OperationalSchema, Store } from '../store/index.ts';
import { storedPrivacyMode } from './mode.ts';
import { eraseOperational, type OperationalErasure } from './operational.ts';
import {
  auditTargetOf,
  customerKeysOf,
  isPseudonym,
  journeyKeysOf,
  KEY_VARIABLE,
  mergeIdentities,
  PrivacyError,
  type Pseudonymizer,
  pseudonymizerFor,
  pseudonymizerOfEnv,
  type StoredIdentity,
  storedIdentity,
  supportContactIdsOf,
} from './pseudonymize.ts';
import { eraseFromQuarantine } from './quarantine.ts';
import { AUDIT_TARGET_SECRET, installationSecret } from './secret.ts';

/**
 * Erasure of one customer's data everywhere (GDPR right to erasure), by one or more of its identifiers:
 * - the analytics store: the conversations whose customer key is one of the identifier's, and the imported
 *   support conversations and messages of its contact ids, from every table (raw records, derived rows,
 *   surveys, divisions, support data); then cases and events are regrouped and the process-mining tables
 *   rebuilt, so that no derived table holds them;
 * - the operational store: the customer's journey events, the workflow runs of those conversations (with
 *   their delivery log and outbox messages) and the trigger scan's versions of them;
 * - data exports already produced whose range holds a time of the customer's data: their files are
 *   deleted and the exports marked expired (not downloadable; the history keeps the entry);
 * - the quarantine files: rejected input records that name the customer or its conversations;
 * - an audit entry `privacy.erase` naming the customer by its pseudonyms or a keyed hash, never in clear,
 *   with the counts.
 * In that order, except the analytics rows, deleted after the others (ERASURE_STEPS): an erasure that
 * failed midway is completed by running it again. Erasing again finds nothing and reports zeros. Data still
 * held by a source (Genesys, a file) comes back with the next import or sync of it: erase it there too.
 */

export interface ErasureRequest {
  store: Store;
  operational: Kysely<OperationalSchema>;
  config: CaseflowConfig;
  /** Where CASEFLOW_PSEUDONYMIZE_KEY is read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Identifiers of the one customer: phone numbers, e-mail or messaging addresses, external contact ids, identifier keys or pseudonyms. */
  identifiers: readonly string[];
  /** Who erases: the user name, or `cli:<os user>`. */
  actor: string;
  ip?: string | null;
  now?: Date;
  /** Called as each step starts (ERASURE_STEPS); a step it throws in is not run, nor any after it. */
  beforeStep?: (step: ErasureStep) => void | Promise<void>;
}

export interface ErasureReport {
  /** How the audit log names the customer (pseudonyms, or a hash). */
  target: string;
  /** Conversations of the customer found (Genesys and imported). */
  conversations: number;
  /** Rows deleted per analytics table (events, cases: rows the regroup no longer builds). */
  analytics: Record<string, number>;
  operational: OperationalErasure;
  /** Exports whose files were deleted. */
  exports: { files: number; ids: number[] };
  /** Rejected input records naming the customer or its conversations, removed from the quarantine files. */
  quarantine: { records: number; files: number };
  /** Every row and file deleted (0: nothing of the customer was stored). */
  total: number;
}

/**
 * The pseudonymizer the identifiers are to be read with: the stored data's key when it is pseudonymized
 * (CASEFLOW_PSEUDONYMIZE_KEY must be that key unless every identifier is already a pseudonym), else the
 * configuration's (journey events may be pseudonymized) or any key in the environment (the audit target).
 */
async function erasurePseudonymizer(
  store: Store,
  config: CaseflowConfig,
  env: NodeJS.ProcessEnv,
  identifiers: readonly string[],
): Promise<Pseudonymizer | null> {
  const p = pseudonymizerFor(config, env) ?? pseudonymizerOfEnv(env);
  const mode = await storedPrivacyMode(store);
  if (mode?.pseudonymize && p?.keyId !== mode.keyId && !identifiers.every((i) => isPseudonym(i))) {
    throw new PrivacyError(
      p
        ? `${KEY_VARIABLE} is not the key the customer data was pseudonymized with: the identifiers cannot be matched; set the original key, or give the customer's pseudonyms`
        : `the customer data is pseudonymized: set ${KEY_VARIABLE} (the key it was pseudonymized with) to erase by a clear identifier, or give the customer's pseudonyms`,
    );
  }
  return p;
}

/**
 * The customer's conversations — its customer key (the event log's grouping), one of its identifiers among
 * the conversation's (customer_identifiers: e.g. its phone number on a call keyed by its external contact
 * id), or its contact id on an imported support conversation — and the times of its data.
 */
async function findCustomerData(
  store: Store,
  target: {
    customerKeys: readonly string[];
    identifierKeys: readonly string[];
    contactIds: readonly string[];
  },
): Promise<{ conversationIds: string[]; times: number[] }> {
  const db = store.db;
  await db.run(`CREATE OR REPLACE TEMP TABLE erase_keys (key VARCHAR);
    CREATE OR REPLACE TEMP TABLE erase_identifiers (key VARCHAR);
    CREATE OR REPLACE TEMP TABLE erase_contacts (id VARCHAR);`);
  for (const [table, values] of [
    ['erase_keys', target.customerKeys],
    ['erase_identifiers', target.identifierKeys],
    ['erase_contacts', target.contactIds],
  ] as const) {
    const app = await db.appender(table);
    for (const v of values) appendRow(app, [v]);
    app.closeSync();
  }
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE erase_conversations AS
      SELECT conversation_id FROM conversations WHERE customer_key IN (SELECT key FROM erase_keys)
      UNION SELECT conversation_id FROM customer_identifiers WHERE key IN (SELECT key FROM erase_identifiers)
      UNION SELECT conversation_id FROM support_conversations
        WHERE contact_id IN (SELECT id FROM erase_contacts) AND conversation_id IS NOT NULL`);
    const ids = await db.all<{ id: string }>(
      'SELECT conversation_id AS id FROM erase_conversations ORDER BY conversation_id',
    );
    const inConversations = 'conversation_id IN (SELECT conversation_id FROM erase_conversations)';
    const times = await db.all<{ t: number }>(`
      SELECT DISTINCT epoch_ms(t) AS t FROM (
        SELECT unnest([start_time, end_time]) AS t FROM conversations WHERE ${inConversations}
        UNION ALL SELECT unnest([EventTime, EventEndTime]) FROM events
          WHERE ConversationId IN (SELECT conversation_id FROM erase_conversations)
        UNION ALL SELECT sent_date FROM surveys WHERE ${inConversations}
        UNION ALL SELECT unnest([opened_at, resolved_at, first_response_at]) FROM support_conversations
          WHERE ${inConversations} OR contact_id IN (SELECT id FROM erase_contacts)
        UNION ALL SELECT sent_at FROM support_messages
          WHERE ${inConversations} OR contact_id IN (SELECT id FROM erase_contacts)
            OR (sender_type = 'contact' AND sender_id IN (SELECT id FROM erase_contacts)))
      WHERE t IS NOT NULL ORDER BY 1`);
    return { conversationIds: ids.map((r) => r.id), times: times.map((r) => Number(r.t)) };
  } finally {
    await db.run(
      'DROP TABLE IF EXISTS erase_conversations; DROP TABLE erase_keys; DROP TABLE erase_identifiers; DROP TABLE erase_contacts;',
    );
  }
}

/**
 * Deletes the files of the succeeded exports whose range holds one of these times, and marks them expired
 * (the history keeps the entry). Exports still queued read the store after the erasure.
 */
async function eraseExports(
  db: Kysely<OperationalSchema>,
  dataDir: string,
  times: readonly number[],
  now: Date,
): Promise<number[]> {
  if (times.length === 0) return [];
  const succeeded = await db
    .selectFrom('exports')
    .select(['id', 'range_from', 'range_to', 'file_name'])
    .where('status', '=', 'succeeded')
    .execute();
  const hit = succeeded.filter((e) => {
    const from = Date.parse(e.range_from);
    const to = Date.parse(e.range_to);
    return times.some((t) => from <= t && t < to);
  });
  for (const e of hit) {
    await rm(path.join(dataDir, 'exports', e.file_name ?? `${e.id}.csv`), { force: true });
    await db
      .updateTable('exports')
      .set({ status: 'expired', expires_at: now.toISOString() })
      .where('id', '=', e.id)
      .execute();
  }
  return hit.map((e) => e.id);
}

/**
 * The steps of an erasure, in order. Everything is found first and the analytics rows, by which the
 * customer's conversations and the times of its data are found, are deleted last: a run that fails midway
 * leaves them, and running it again finds everything still stored and completes (and writes the audit
 * entry, last).
 */
export const ERASURE_STEPS = [
  'find',
  'operational',
  'exports',
  'quarantine',
  'analytics',
  'regroup',
  'audit',
] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

/** Erases one customer's data everywhere (see the module comment) and writes the audit entry. */
export async function eraseCustomer(request: ErasureRequest): Promise<ErasureReport> {
  const env = request.env ?? process.env;
  const identifiers = request.identifiers.map((i) => i.trim()).filter((i) => i !== '');
  if (identifiers.length === 0) throw new RangeError('no customer identifier given');
  let current: ErasureStep = 'find';
  const step = async (name: ErasureStep) => {
    current = name;
    await request.beforeStep?.(name);
  };
  // A connection of its own: the erasure's transaction is not shared with requests served meanwhile.
  const store = await request.store.fork();
  try {
    await step('find');
    const p = await erasurePseudonymizer(store, request.config, env, identifiers);
    const target = auditTargetOf(
      identifiers,
      p ?? { installationSecret: await installationSecret(request.operational, AUDIT_TARGET_SECRET) },
    );
    // Clear and pseudonymized forms alike: data imported before pseudonymization was switched on (or
    // journey events pseudonymized while the analytics data is clear) is found as well.
    const identity: StoredIdentity = mergeIdentities(
      identifiers.flatMap((i) =>
        p ? [storedIdentity(i, null), storedIdentity(i, p)] : [storedIdentity(i, null)],
      ),
    );
    const contactIds = supportContactIdsOf(identity);
    const journeyKeys = [
      ...new Set([
        ...journeyKeysOf(identity),
        // Whatever kind another module read an address as.
        ...identity.addresses.flatMap((a) => ['phone', 'email', 'messaging'].map((k) => `${k}:${a}`)),
      ]),
    ];
    const found = await findCustomerData(store, {
      customerKeys: customerKeysOf(identity),
      identifierKeys: journeyKeys,
      contactIds,
    });

    await step('operational');
    const operational = await eraseOperational(request.operational, {
      conversationIds: found.conversationIds,
      contactIds,
      journeyKeys,
    });
    await step('exports');
    const exportIds = await eraseExports(
      request.operational,
      store.dataDir,
      found.times,
      request.now ?? new Date(),
    );
    await step('quarantine');
    const quarantine = await eraseFromQuarantine(store.dataDir, {
      keys: journeyKeys,
      conversationIds: found.conversationIds,
    });

    await step('analytics');
    const before = await store.counts();
    const analytics = await store.deleteConversations(found.conversationIds, contactIds);
    // Pending as well when an earlier run deleted the rows but failed before regrouping.
    if (Object.values(analytics).some((n) => n > 0) || (await store.regroupPending())) {
      await step('regroup');
      await store.regroup(request.config);
      await ensureMaterialized(store, 'default');
    }
    const after = await store.counts();
    // events and cases: what the regroup no longer builds (derived rows of the erased conversations).
    analytics.events = Math.max(analytics.events ?? 0, before.events - after.events);
    analytics.cases = before.cases - after.cases;

    const report: ErasureReport = {
      target,
      conversations: found.conversationIds.length,
      analytics,
      operational,
      exports: { files: exportIds.length, ids: exportIds },
      quarantine,
      total:
        Object.values(analytics).reduce((sum, n) => sum + n, 0) +
        Object.values(operational).reduce<number>((sum, n) => sum + (n ?? 0), 0) +
        exportIds.length +
        quarantine.records,
    };
    // The journey's identity index is cached by data version: journey events alone changed it too.
    if (report.total > 0) await store.bumpDataVersion('support');
    await step('audit');
    await audit(request.operational, {
      actor: request.actor,
      action: 'privacy.erase',
      target: report.target,
      details: {
        conversations: report.conversations,
        analytics: report.analytics,
        operational: { ...report.operational },
        exports: report.exports,
        quarantine: report.quarantine,
        total: report.total,
      },
      ip: request.ip ?? null,
    });
    return report;
  } catch (error) {
    if (current === 'find') throw error;
    throw new Error(
      `the erasure stopped at its ${current} step (${(error as Error).message}): some of the customer's data may still be stored and the erasure is not audited yet; erase the customer again to complete it`,
      { cause: error },
    );
  } finally {
    store.close();
  }
}
