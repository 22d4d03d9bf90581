import type { Kysely } from 'kysely';
import type { CaseflowConfig } from '../config/index.ts';
import type { OperationalSchema, Store } from '../store/index.ts';
import { conditionsHold } from './conditions.ts';
import { enabledWorkflows, existingRunKeys, insertRuns, type NewRun, runKey } from './repository.ts';
import { readClosedConversations, runVariables, VERSION_SQL } from './variables.ts';

/**
 * The "conversation closed" trigger scan. Support conversations carry `last_data_update`, the time their
 * row last changed (the sync's or import's time stamp). The scan keeps a cursor in the operational store:
 * the highest stamp it has seen, and a fingerprint of the rows carrying that stamp. Each scan reads the
 * closed conversations stamped after the cursor — and those at the cursor's stamp when the fingerprint
 * of that set changed: rows written later with the cursor's stamp (a sync run stamps all its rows with its
 * start) are not missed — and for each enabled workflow whose
 * conditions hold records a run keyed workflowId:conversationId:version (version: the row's record hash),
 * enqueued in the outbox in the same transaction as the cursor's move. A conversation closing again with
 * the same version is not run twice; a new version is. When nothing is newer than the cursor and the
 * fingerprint is unchanged, the scan stops after one cheap query.
 *
 * The first scan of a store only places the cursor (at its newest row): workflows do not run for the
 * history that was there before. Rows stamped before the cursor (an import back-dated with a forced time)
 * are not seen.
 */

export const TRIGGER = 'conversation.closed';

type Db = Kysely<OperationalSchema>;

export interface ScanOptions {
  store: Store;
  db: Db;
  config: CaseflowConfig;
  now: Date;
  /** Conversations handled per transaction (default 500). */
  batchSize?: number;
}

export interface ScanSummary {
  /** The first scan: the cursor was placed, nothing was run. */
  initialized: boolean;
  /** Nothing changed since the last scan. */
  unchanged: boolean;
  /** Closed conversations examined. */
  conversations: number;
  /** Runs created. */
  runs: number;
  cursor: string | null;
}

const DUCK_TIMESTAMP = '%Y-%m-%d %H:%M:%S.%f';

/** The newest stamp and the fingerprint of the rows carrying it; `cursor` for rows at the cursor. */
async function probe(
  store: Store,
  cursor: string | null,
): Promise<{
  max: string | null;
  maxFingerprint: string | null;
  cursorFingerprint: string | null;
  newer: number;
}> {
  const fingerprint = (
    at: string,
  ) => `(SELECT count(*)::VARCHAR || ':' || coalesce(bit_xor(hash(f.conversation_id,
      ${VERSION_SQL}, f.resolved_at))::VARCHAR, '')
    FROM support_conversations f
    LEFT JOIN raw_conversations r ON r.conversation_id = f.conversation_id AND f.origin = 'genesys'
    WHERE f.last_data_update = ${at})`;
  const row = await store.db.one<{
    max: string | null;
    max_fp: string | null;
    cursor_fp: string | null;
    newer: number;
  }>(
    `WITH m AS (SELECT max(last_data_update) AS max FROM support_conversations)
     SELECT strftime(m.max, '${DUCK_TIMESTAMP}') AS max, ${fingerprint('m.max')} AS max_fp,
       ${cursor === null ? 'NULL' : fingerprint('CAST($cursor AS TIMESTAMP)')} AS cursor_fp,
       ${cursor === null ? '0' : '(SELECT count(*) FROM support_conversations WHERE last_data_update > CAST($cursor AS TIMESTAMP))'}::INTEGER AS newer
     FROM m`,
    cursor === null ? {} : { cursor },
  );
  return {
    max: row?.max ?? null,
    maxFingerprint: row?.max_fp ?? null,
    cursorFingerprint: row?.cursor_fp ?? null,
    newer: row?.newer ?? 0,
  };
}

async function saveCursor(
  db: Db,
  cursor: string | null,
  fingerprint: string | null,
  now: Date,
): Promise<void> {
  await db
    .insertInto('workflow_scan_cursors')
    .values({ trigger: TRIGGER, cursor, fingerprint, scanned_at: now.toISOString() })
    .onConflict((c) =>
      c.column('trigger').doUpdateSet({ cursor, fingerprint, scanned_at: now.toISOString() }),
    )
    .execute();
}

export async function scanClosedConversations(options: ScanOptions): Promise<ScanSummary> {
  const { store, db, config, now } = options;
  const state = await db
    .selectFrom('workflow_scan_cursors')
    .selectAll()
    .where('trigger', '=', TRIGGER)
    .executeTakeFirst();
  const cursor = state?.cursor ?? null;
  // Probed before the conversations are read: a row written meanwhile changes the next probe.
  const seen = await probe(store, cursor);
  const summary: ScanSummary = { initialized: false, unchanged: false, conversations: 0, runs: 0, cursor };
  if (!state) {
    await saveCursor(db, seen.max, seen.maxFingerprint, now);
    return { ...summary, initialized: true, cursor: seen.max };
  }
  if (seen.max === null || cursor === null) {
    // An empty store so far: the first rows to come are new.
    if (seen.max === null) return { ...summary, unchanged: true };
  } else if (seen.newer === 0 && seen.cursorFingerprint === state.fingerprint) {
    return { ...summary, unchanged: true };
  }
  const workflows = await enabledWorkflows(db);
  if (workflows.length > 0) {
    // Rows at the cursor's stamp were seen by the last scan; read again only when that set changed (rows
    // written since with the same stamp: a sync run stamps all its rows with its start).
    const atCursorChanged = seen.cursorFingerprint !== state.fingerprint;
    const where =
      cursor === null
        ? 'true'
        : `f.last_data_update ${atCursorChanged ? '>=' : '>'} CAST($cursor AS TIMESTAMP)`;
    const closed = await readClosedConversations(
      store,
      config,
      where,
      cursor === null ? {} : { cursor },
      'ORDER BY f.last_data_update, f.conversation_id',
    );
    summary.conversations = closed.length;
    const batchSize = options.batchSize ?? 500;
    for (let i = 0; i < closed.length; i += batchSize) {
      const batch = closed.slice(i, i + batchSize);
      const existing = await existingRunKeys(
        db,
        batch.map((c) => String(c.variables.conversationId)),
      );
      const runs: NewRun[] = [];
      for (const conversation of batch) {
        const conversationId = String(conversation.variables.conversationId);
        for (const workflow of workflows) {
          const key = runKey(workflow.id, conversationId, conversation.version);
          if (existing.has(key) || !conditionsHold(workflow.conditions, conversation.variables)) continue;
          runs.push({
            workflowId: workflow.id,
            conversationId,
            version: conversation.version,
            variables: runVariables(conversation.variables, {
              eventId: key,
              workflowId: workflow.id,
              workflowName: workflow.name,
            }),
          });
        }
      }
      if (runs.length > 0) {
        summary.runs += await db.transaction().execute((trx) => insertRuns(trx, runs, now));
      }
    }
  }
  await saveCursor(db, seen.max, seen.maxFingerprint, now);
  return { ...summary, cursor: seen.max };
}
