import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CaseflowConfig } from '../config/index.ts';
import { SUPPORT_VIEWS_SQL } from '../reports/definitions.ts';
import type { OperationalSchema, Store } from '../store/index.ts';
import { conditionsHold } from './conditions.ts';
import { enabledWorkflows, existingRunKeys, insertRuns, type NewRun, runKey } from './repository.ts';
import {
  closedConversationsSql,
  runVariables,
  type Variables,
  VERSION_VARIABLES,
  versionOf,
} from './variables.ts';

/**
 * The "conversation closed" trigger scan (README "Workflows", docs/decisions/0009-workflow-delivery.md).
 *
 * A conversation's **version** is the hash of its trigger variables (variables.ts versionOf): the closed
 * state a workflow can see. The operational store keeps the last version the scan has seen of each closed
 * conversation (workflow_conversation_versions), whether a workflow ran for it or not. Each scan compares
 * the closed conversations of the analytics store with it and judges only those whose version changed
 * (or that it has never seen): for each enabled workflow whose conditions hold it records a run keyed
 * workflowId:conversationId:version. So the same closed state never runs twice, and any change a workflow
 * can see runs once more — whatever table it comes from: the conversation's row (an import, a regroup),
 * messages imported later (counts, first response), surveys (CSAT), regrouping (category, case), another
 * conversation of the contact (new vs returning). A rewrite that changes no variable (a raw record that
 * differs only in what no variable reads, a new last_data_update) is the same version and runs nothing.
 *
 * Cheap when nothing changed: the scan first reads a data stamp of the analytics store (the data versions
 * a regroup and the support imports bump, and the count and the sum of last_data_update of the support
 * conversations and messages); the same stamp and the same scheme as at the last scan → nothing to do,
 * without computing any variable. Otherwise, in DuckDB, a probe (a 64-bit hash of the version variables)
 * of every closed conversation is compared with the probes stored with the versions; only the
 * conversations whose probe differs are read in full and have their version computed here.
 *
 * Each batch's runs (and their outbox messages) and the versions it judged are written in one transaction
 * of the operational store: a version is never recorded without its runs (at least once). The stamp moves
 * after the last batch; a scan that stops midway is resumed by the next one, which finds the batches
 * already recorded unchanged.
 *
 * The first scan of a store records the versions of the closed conversations present without running
 * anything: history present before workflows existed never fires. When the scheme of the versions changes
 * (support.teams, or the variables' definitions in a new Caseflow version), the conversations already
 * seen are re-baselined — their new version recorded without a run, since the change is not theirs —
 * while those never seen are judged as usual.
 */

export const TRIGGER = 'conversation.closed';

/** Bump when a change of the code alters the variables without changing the SQL hashed by versionScheme. */
const SCHEME_REVISION = 'variables-v1';

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
  /** The first scan: the versions present were recorded, nothing was run. */
  initialized: boolean;
  /** The scheme of the versions changed: conversations already seen were re-baselined without a run. */
  rebaselined: boolean;
  /** Nothing changed since the last scan. */
  unchanged: boolean;
  /** Closed conversations with a new version (judged, or recorded by a baseline). */
  conversations: number;
  /** Runs created. */
  runs: number;
  /** The data stamp the scan saw. */
  stamp: string | null;
}

/**
 * The scheme of the versions: what, besides the data, decides the variables — their SQL (with the teams
 * of the configuration) and the support definitions. A change re-baselines the conversations already seen.
 */
export function versionScheme(config: CaseflowConfig): string {
  return createHash('sha1')
    .update(SCHEME_REVISION)
    .update(VERSION_VARIABLES.join(','))
    .update(closedConversationsSql(config, 'true'))
    .update(SUPPORT_VIEWS_SQL)
    .digest('hex');
}

/**
 * The data stamp of the analytics store: the data versions that a regroup (`default`: Genesys rows,
 * surveys, directories, categories, cases) and the support imports (`support`) bump, and, for writers
 * that bump nothing, the count and the sum of last_data_update of the support tables.
 */
async function dataStamp(view: Store): Promise<string> {
  const tables = await view.db.one<{ s: string }>(`
    SELECT (SELECT count(*)::VARCHAR || '/' || coalesce(sum(epoch_us(last_data_update)), 0)::VARCHAR
            FROM support_conversations) || ';' ||
           (SELECT count(*)::VARCHAR || '/' || coalesce(sum(epoch_us(last_data_update)), 0)::VARCHAR
            FROM support_messages) AS s`);
  return [await view.dataVersion('default'), await view.dataVersion('support'), tables?.s ?? ''].join(';');
}

const SEEN = 'workflow_scan_seen';
const PAGE = 10_000;

/** Copies the probes of the versions seen from the operational store into a temp table of `view`. */
async function loadSeen(db: Db, view: Store): Promise<void> {
  await view.db.run(`CREATE OR REPLACE TEMP TABLE ${SEEN} (conversation_id VARCHAR, probe VARCHAR)`);
  const app = await view.db.appender(SEEN);
  try {
    let after: string | null = null;
    for (;;) {
      let query = db
        .selectFrom('workflow_conversation_versions')
        .select(['conversation_id', 'probe'])
        .orderBy('conversation_id')
        .limit(PAGE);
      if (after !== null) query = query.where('conversation_id', '>', after);
      const rows = await query.execute();
      for (const r of rows) {
        app.appendVarchar(r.conversation_id);
        app.appendVarchar(r.probe);
        app.endRow();
      }
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) break;
      after = last.conversation_id;
    }
  } finally {
    app.closeSync();
  }
}

/**
 * SQL: the closed conversations whose probe differs from the one stored with their last version seen (or
 * that have none), with their variables and probe, in the order they closed.
 */
function changedSql(config: CaseflowConfig): string {
  const probe = `hash(${VERSION_VARIABLES.map((name) => `v."${name}"`).join(', ')})::VARCHAR`;
  return `
    SELECT v.*, ${probe} AS __probe
    FROM (${closedConversationsSql(config, 'true')}) v
    LEFT JOIN ${SEEN} s ON s.conversation_id = v."conversationId"
    WHERE s.probe IS DISTINCT FROM ${probe}
    ORDER BY v."resolvedAt", v."conversationId"`;
}

interface Candidate {
  variables: Variables;
  probe: string;
}

export async function scanClosedConversations(options: ScanOptions): Promise<ScanSummary> {
  const { store, db, config, now } = options;
  const state = await db
    .selectFrom('workflow_scan_cursors')
    .selectAll()
    .where('trigger', '=', TRIGGER)
    .executeTakeFirst();
  const scheme = versionScheme(config);
  // A connection of its own: it sees committed data only (not a transaction another task holds open on
  // the shared connection), and its temp table is its own.
  const view = await store.fork();
  try {
    // Stamped before the conversations are read: a write meanwhile changes the next scan's stamp.
    const stamp = await dataStamp(view);
    const summary: ScanSummary = {
      initialized: !state,
      rebaselined: false,
      unchanged: false,
      conversations: 0,
      runs: 0,
      stamp,
    };
    if (state && state.data_stamp === stamp && state.scheme === scheme) {
      return { ...summary, unchanged: true };
    }
    // No cursor: the first scan. A scheme that differs from a known one: re-baseline what was seen.
    const baseline = !state;
    summary.rebaselined = !!state && state.scheme !== null && state.scheme !== scheme;
    const workflows = baseline ? [] : await enabledWorkflows(db);

    const handle = async (batch: Candidate[]): Promise<void> => {
      const ids = batch.map((c) => String(c.variables.conversationId));
      const stored = new Map(
        (
          await db
            .selectFrom('workflow_conversation_versions')
            .select(['conversation_id', 'version'])
            .where('conversation_id', 'in', ids)
            .execute()
        ).map((r) => [r.conversation_id, r.version]),
      );
      const existing = workflows.length > 0 ? await existingRunKeys(db, ids) : new Set<string>();
      const runs: NewRun[] = [];
      const versions = batch.map((c) => {
        const conversationId = String(c.variables.conversationId);
        const version = versionOf(c.variables);
        const previous = stored.get(conversationId);
        if (previous !== version) {
          summary.conversations += 1;
          const judged = !baseline && !(summary.rebaselined && previous !== undefined);
          for (const workflow of judged ? workflows : []) {
            const key = runKey(workflow.id, conversationId, version);
            if (existing.has(key) || !conditionsHold(workflow.conditions, c.variables)) continue;
            runs.push({
              workflowId: workflow.id,
              conversationId,
              version,
              variables: runVariables(c.variables, {
                eventId: key,
                workflowId: workflow.id,
                workflowName: workflow.name,
              }),
            });
          }
        }
        return { conversation_id: conversationId, version, probe: c.probe, updated_at: now.toISOString() };
      });
      // The runs of the new versions and the versions themselves commit together.
      summary.runs += await db.transaction().execute(async (trx) => {
        const created = runs.length > 0 ? await insertRuns(trx, runs, now) : 0;
        await trx
          .insertInto('workflow_conversation_versions')
          .values(versions)
          .onConflict((c) =>
            c.column('conversation_id').doUpdateSet((eb) => ({
              version: eb.ref('excluded.version'),
              probe: eb.ref('excluded.probe'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
        return created;
      });
    };

    await loadSeen(db, view);
    const batchSize = options.batchSize ?? 500;
    let batch: Candidate[] = [];
    // Streamed on the view's own connection (its temp table is visible there only); nothing else runs on
    // that connection until the stream ends.
    const result = await view.db.connection.stream(changedSql(config));
    for await (const rows of result.yieldRowObjectJson()) {
      for (const row of rows) {
        const { __probe, ...variables } = row as Record<string, string | number | null>;
        batch.push({ variables, probe: String(__probe) });
        if (batch.length >= batchSize) {
          await handle(batch);
          batch = [];
        }
      }
    }
    if (batch.length > 0) await handle(batch);
    await view.db.run(`DROP TABLE IF EXISTS ${SEEN}`);

    await db
      .insertInto('workflow_scan_cursors')
      .values({ trigger: TRIGGER, data_stamp: stamp, scheme, scanned_at: now.toISOString() })
      .onConflict((c) =>
        c.column('trigger').doUpdateSet({ data_stamp: stamp, scheme, scanned_at: now.toISOString() }),
      )
      .execute();
    return summary;
  } finally {
    view.close();
  }
}
