import { type DataScope, FULL_SCOPE } from '../access/index.ts';
import { type CaseflowConfig, type DivisionsConfig, derivationFingerprint } from '../config/index.ts';
import {
  activityOrder,
  type ConversationFacts,
  type DerivedEvent,
  type Directory,
  type EventLogRow,
  groupConversations,
  requestType,
  type Survey,
} from '../eventlog/index.ts';
import { buildCustomerIdentifiers } from '../journey/identifiers.ts';
import { rebuildWorkEventsSql } from '../work/eventlog-sql.ts';
import {
  buildDivisions,
  caseInScope,
  divisionRules,
  fillRecordDivisions,
  queueSql,
  wrapUpCodeSql,
} from './divisions.ts';
import { AnalyticsDb, appendRow, type Cell, iso } from './duckdb.ts';
import {
  appendSupportFacts,
  buildGenesysSupportConversations,
  type ConversationSupportFacts,
  conversationsWithoutSupportFacts,
  type GenesysMessages,
  replaceGenesysMessages,
  saveMemberships,
} from './support.ts';

export type DirectoryKind = 'users' | 'queues' | 'wrapUpCodes' | 'divisions' | 'groups';

/** A directory entry; `groups`: the groups a user belongs to (absent: membership not given, kept as stored). */
export interface DirectoryEntry {
  id: string;
  name?: string;
  groups?: readonly { id: string }[];
}

/** What decides whether an incoming record replaces the stored one (see docs/derivation.md). */
export interface StoredVersion {
  complete: boolean;
  versionTime: number;
  /** SHA-1 of the record's JSON text: an identical record is not written again. */
  hash: string;
}

/** One conversation as stored: its raw record, derived facts and events. */
export interface StoredConversation {
  record: string;
  hash: string;
  sourceSystem: string;
  sourceFile: string;
  complete: boolean;
  versionTime: number;
  /** When this version was extracted (LastDataUpdate). */
  lastDataUpdate: number;
  facts: ConversationFacts;
  events: DerivedEvent[];
  /** What its support conversation needs beyond the facts (absent: none stored for it). */
  support?: ConversationSupportFacts;
}

export interface EventLogFilter {
  /** Inclusive lower bound on EventTime (ISO date or date-time). */
  from?: string;
  /** Exclusive upper bound on EventTime. */
  to?: string;
  /** The viewer's divisions and masking (cases of their divisions only); absent: FULL_SCOPE (the CLI). */
  scope?: DataScope;
}

export interface CaseSummary {
  ServiceRequest: string;
  ServiceRequestType: string | null;
  MediaType: string | null;
  FirstContact: string;
  ResolvedAt: string | null;
  conversations: string[];
  SlaTargetResolutionTime: number;
  ServiceResolutionTime: number | null;
  IsSlaCompliant: boolean | null;
  IsReopened: boolean;
  IsFirstContactResolution: boolean;
  CustomerSatisfactionScore: number | null;
}

const ts = (epochMs: number | null): Cell => (epochMs === null ? null : { ts: epochMs });

/** The event log in DuckDB: source tables kept, derived tables rebuilt. */
export class Store {
  constructor(readonly db: AnalyticsDb) {}

  get dataDir(): string {
    return this.db.dataDir;
  }

  static async open(dataDir: string): Promise<Store> {
    return new Store(await AnalyticsDb.open(dataDir));
  }

  /** This store on a connection of its own (see AnalyticsDb.fork); close it when done. */
  async fork(): Promise<Store> {
    return new Store(await this.db.fork());
  }

  close(): void {
    this.db.close();
  }

  /** Stored version of each conversation: complete (has ended) and the latest time it mentions. */
  async versions(): Promise<Map<string, StoredVersion>> {
    const rows = await this.db.all<{ id: string; complete: boolean; t: string; hash: string }>(
      `SELECT conversation_id AS id, complete, ${iso('version_time')} AS t, record_hash AS hash FROM raw_conversations`,
    );
    return new Map(
      rows.map((r) => [r.id, { complete: r.complete, versionTime: Date.parse(r.t), hash: r.hash }]),
    );
  }

  /**
   * Replaces these conversations (raw record, facts, events) in one transaction, with the surveys they
   * carry, the Genesys messages read for them and meta entries that must commit with them (a sync's
   * checkpoint).
   */
  async saveConversations(
    batch: readonly StoredConversation[],
    with_: { surveys?: readonly Survey[]; meta?: Record<string, string>; messages?: GenesysMessages } = {},
  ): Promise<void> {
    const surveys = with_.surveys ?? [];
    const meta = Object.entries(with_.meta ?? {});
    const messages = with_.messages?.conversationIds.length ? with_.messages : undefined;
    if (batch.length === 0 && surveys.length === 0 && meta.length === 0 && !messages) return;
    await this.db.transaction(async () => {
      for (const [key, value] of meta) await this.setMeta(key, value);
      if (surveys.length) await this.writeSurveys(surveys);
      if (messages) {
        await replaceGenesysMessages(this.db, messages);
        // The workflows' trigger scan looks at the support data again (src/workflows/scan.ts).
        await this.bumpDataVersion('support');
      }
      if (batch.length === 0) return;
      await this.db.run('CREATE OR REPLACE TEMP TABLE batch_ids (conversation_id VARCHAR)');
      const ids = await this.db.appender('batch_ids');
      for (const c of batch) appendRow(ids, [c.facts.conversationId]);
      ids.closeSync();
      for (const table of [
        'raw_conversations',
        'conversations',
        'conversation_events',
        'conversation_support_facts',
      ]) {
        await this.db.run(
          `DELETE FROM ${table} WHERE conversation_id IN (SELECT conversation_id FROM batch_ids)`,
        );
      }
      await this.appendDerived(batch, true);
      await fillRecordDivisions(this.db, true);
    });
  }

  /** Writes derived rows (and raw rows when withRaw) for a batch; no deletion. */
  async appendDerived(batch: readonly StoredConversation[], withRaw: boolean): Promise<void> {
    if (withRaw) {
      const raw = await this.db.appender('raw_conversations');
      for (const c of batch) {
        appendRow(raw, [
          c.facts.conversationId,
          c.sourceSystem,
          c.complete,
          { ts: c.versionTime },
          { ts: c.lastDataUpdate },
          c.sourceFile,
          c.record,
          c.hash,
        ]);
      }
      raw.closeSync();
    }
    const conversations = await this.db.appender('conversations');
    const events = await this.db.appender('conversation_events');
    for (const c of batch) {
      const f = c.facts;
      appendRow(conversations, [
        f.conversationId,
        ts(f.start),
        ts(f.end),
        f.mediaType,
        f.customerKey,
        f.explicitCaseId,
        f.requestTypeAttribute,
        f.wrapUpCode,
        ts(f.wrapUpTime),
        f.firstQueueId,
        f.transferred,
        f.handled,
        f.talkMs,
        f.holdMs,
        f.acwMs,
        c.sourceSystem,
        { ts: c.lastDataUpdate },
      ]);
      for (const e of c.events) {
        events.appendVarchar(f.conversationId);
        events.appendInteger(e.seq);
        events.appendVarchar(e.activity);
        events.appendInteger(activityOrder(e.activity));
        appendRow(events, [
          ts(e.time),
          ts(e.endTime ?? e.time),
          e.mediaType,
          e.agentId,
          e.queueId,
          e.wrapUpCode,
        ]);
      }
    }
    conversations.closeSync();
    events.closeSync();
    await appendSupportFacts(
      this.db,
      batch.flatMap((c) =>
        c.support ? [{ conversationId: c.facts.conversationId, support: c.support }] : [],
      ),
    );
  }

  /**
   * Names of these entries (merged: an entry not listed keeps its name), and the group membership of those
   * that give `groups`.
   */
  async saveDirectory(kind: DirectoryKind, entries: readonly DirectoryEntry[]): Promise<void> {
    await this.db.transaction(async () => {
      await saveMemberships(this.db, kind, entries);
      await this.db.run('CREATE OR REPLACE TEMP TABLE dir_batch (kind VARCHAR, id VARCHAR, name VARCHAR)');
      const app = await this.db.appender('dir_batch');
      for (const e of entries) appendRow(app, [kind, e.id, e.name ?? null]);
      app.closeSync();
      await this.db.run(`DELETE FROM directory WHERE kind = $kind AND id IN (SELECT id FROM dir_batch)`, {
        kind,
      });
      await this.db.run(
        'INSERT INTO directory SELECT DISTINCT ON (id) kind, id, name FROM dir_batch WHERE name IS NOT NULL',
      );
    });
  }

  async saveSurveys(surveys: readonly Survey[]): Promise<void> {
    await this.db.transaction(() => this.writeSurveys(surveys));
  }

  private async writeSurveys(surveys: readonly Survey[]): Promise<void> {
    await this.db.run(
      'CREATE OR REPLACE TEMP TABLE survey_batch (conversation_id VARCHAR, sent_date TIMESTAMP, score DOUBLE)',
    );
    const app = await this.db.appender('survey_batch');
    for (const s of surveys) appendRow(app, [s.conversationId, { ts: s.sentDate }, s.score]);
    app.closeSync();
    await this.db.run(`
        DELETE FROM surveys WHERE (conversation_id, sent_date) IN (SELECT (conversation_id, sent_date) FROM survey_batch);
        INSERT INTO surveys SELECT DISTINCT ON (conversation_id, sent_date) * FROM survey_batch;`);
  }

  async directory(): Promise<Directory> {
    const rows = await this.db.all<{ kind: DirectoryKind; id: string; name: string }>(
      'SELECT kind, id, name FROM directory',
    );
    const maps: Record<DirectoryKind, Map<string, string>> = {
      users: new Map(),
      queues: new Map(),
      wrapUpCodes: new Map(),
      divisions: new Map(),
      groups: new Map(),
    };
    for (const r of rows) maps[r.kind]?.set(r.id, r.name);
    return maps;
  }

  async facts(): Promise<ConversationFacts[]> {
    const rows = await this.db.all<Record<string, string | number | boolean | null>>(`
      SELECT conversation_id, epoch_ms(start_time) AS start, epoch_ms(end_time) AS "end", media_type,
        customer_key, explicit_case_id, request_type_attribute, wrap_up_code, epoch_ms(wrap_up_time) AS wrap_up_time,
        first_queue_id, transferred, handled, talk_ms, hold_ms, acw_ms
      FROM conversations`);
    return rows.map((r) => ({
      conversationId: String(r.conversation_id),
      start: Number(r.start),
      end: r.end === null ? null : Number(r.end),
      mediaType: r.media_type as string | null,
      customerKey: r.customer_key as string | null,
      explicitCaseId: r.explicit_case_id as string | null,
      requestTypeAttribute: r.request_type_attribute as string | null,
      wrapUpCode: r.wrap_up_code as string | null,
      wrapUpTime: r.wrap_up_time === null ? null : Number(r.wrap_up_time),
      firstQueueId: r.first_queue_id as string | null,
      transferred: Boolean(r.transferred),
      handled: Boolean(r.handled),
      talkMs: Number(r.talk_ms),
      holdMs: Number(r.hold_ms),
      acwMs: Number(r.acw_ms),
    }));
  }

  /**
   * Regroups every conversation into service requests and rebuilds cases and events.
   * Case ids already given are kept (case_ids), so later imports never rename a case.
   */
  async regroup(config: CaseflowConfig): Promise<{ cases: number; events: number }> {
    const [facts, directory, surveyRows, idRows] = await Promise.all([
      this.facts(),
      this.directory(),
      this.db.all<{ conversation_id: string; sent: number; score: number | null }>(
        'SELECT conversation_id, epoch_ms(sent_date) AS sent, score FROM surveys',
      ),
      this.db.all<{ first_conversation_id: string; service_request: string }>('SELECT * FROM case_ids'),
    ]);
    const surveys: Survey[] = surveyRows.map((s) => ({
      conversationId: s.conversation_id,
      sentDate: Number(s.sent),
      score: s.score,
    }));
    const known = new Map(idRows.map((r) => [r.first_conversation_id, r.service_request]));
    const grouping = groupConversations(facts, surveys, known, config.eventlog, directory);

    return this.db.transaction(async () => {
      await this.db.run('DELETE FROM case_map; DELETE FROM reopens; DELETE FROM cases;');
      await this.db.run(
        'CREATE OR REPLACE TEMP TABLE new_ids (first_conversation_id VARCHAR, service_request VARCHAR)',
      );
      const ids = await this.db.appender('new_ids');
      for (const [conversationId, id] of grouping.newIds) appendRow(ids, [conversationId, id]);
      ids.closeSync();
      await this.db.run(
        'DELETE FROM case_ids WHERE first_conversation_id IN (SELECT first_conversation_id FROM new_ids)',
      );
      await this.db.run('INSERT INTO case_ids SELECT * FROM new_ids');
      const map = await this.db.appender('case_map');
      for (const [conversationId, id] of grouping.caseOf) appendRow(map, [conversationId, id]);
      map.closeSync();
      const reopens = await this.db.appender('reopens');
      for (const r of grouping.reopens) appendRow(reopens, [r.conversationId, { ts: r.time }]);
      reopens.closeSync();
      const cases = await this.db.appender('cases');
      for (const c of grouping.cases) {
        cases.appendVarchar(c.id);
        cases.appendVarchar(c.firstConversationId);
        cases.appendInteger(c.conversations.length);
        appendRow(cases, [
          c.requestType,
          c.mediaType,
          { ts: c.firstContact },
          ts(c.resolvedAt),
          c.slaTarget,
          c.serviceResolutionTime,
          c.slaCompliant,
          c.reopened,
          c.firstContactResolution,
          c.csat,
        ]);
      }
      cases.closeSync();
      await this.db.run(BUILD_EVENTS);
      // Work items' events join their cases (src/work/eventlog-sql.ts).
      await this.db.run(rebuildWorkEventsSql());
      await buildGenesysSupportConversations(
        this.db,
        facts.flatMap((f) => {
          const type = requestType(f, config.eventlog, directory);
          return type === null ? [] : [[f.conversationId, type] as [string, string]];
        }),
      );
      await fillRecordDivisions(this.db);
      await buildDivisions(this.db, divisionRules(config.divisions));
      await buildCustomerIdentifiers(this.db);
      const counts = await this.db.one<{ events: number }>('SELECT count(*)::INTEGER AS events FROM events');
      await this.db.run(`DELETE FROM meta WHERE key = 'regroup_pending'`);
      await this.bumpDataVersion('default');
      await this.setMeta('divisions', await this.divisionsStamp(config.divisions));
      return { cases: grouping.cases.length, events: counts?.events ?? 0 };
    });
  }

  /** Event-log rows, sorted by ServiceRequest, EventTime, then the activity table's order. */
  streamEventLog(
    filter: EventLogFilter = {},
    page?: { limit: number; offset: number },
  ): AsyncGenerator<EventLogRow> {
    const { sql, params } = eventLogQuery(filter, page);
    return this.db.stream<EventLogRow>(sql, params);
  }

  async readEventLog(
    filter: EventLogFilter = {},
    page?: { limit: number; offset: number },
  ): Promise<EventLogRow[]> {
    const { sql, params } = eventLogQuery(filter, page);
    return this.db.all<EventLogRow>(sql, params);
  }

  /**
   * Rebuilds the conversations' and cases' divisions when the data (a support import) or the divisions
   * configuration changed since they were built; true when it did. A regroup builds them too.
   */
  async refreshDivisions(divisions: DivisionsConfig): Promise<boolean> {
    const stamp = await this.divisionsStamp(divisions);
    if ((await this.getMeta('divisions')) === stamp) return false;
    await this.db.transaction(async () => {
      await fillRecordDivisions(this.db);
      await buildDivisions(this.db, divisionRules(divisions));
      await this.setMeta('divisions', stamp);
    });
    return true;
  }

  /** What conversation_divisions is built from: the data versions and the configuration's rules. */
  private async divisionsStamp(divisions: DivisionsConfig): Promise<string> {
    return JSON.stringify({
      rules: divisionRules(divisions),
      default: await this.dataVersion('default'),
      support: await this.dataVersion('support'),
    });
  }

  async countEvents(filter: EventLogFilter = {}): Promise<number> {
    const { where, params } = eventFilter(filter);
    const row = await this.db.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM events ${where}`,
      params,
    );
    return row?.n ?? 0;
  }

  async readCases(): Promise<CaseSummary[]> {
    return this.db.all<CaseSummary>(`
      SELECT k.service_request AS "ServiceRequest", k.request_type AS "ServiceRequestType", k.media_type AS "MediaType",
        ${iso('k.first_contact')} AS "FirstContact", ${iso('k.resolved_at')} AS "ResolvedAt",
        list(m.conversation_id ORDER BY c.start_time, m.conversation_id) AS conversations,
        k.sla_target AS "SlaTargetResolutionTime", k.service_resolution_time AS "ServiceResolutionTime",
        k.is_sla_compliant AS "IsSlaCompliant", k.is_reopened AS "IsReopened",
        k.is_fcr AS "IsFirstContactResolution", k.csat AS "CustomerSatisfactionScore"
      FROM cases k JOIN case_map m USING (service_request) JOIN conversations c USING (conversation_id)
      GROUP BY ALL ORDER BY k.service_request`);
  }

  /**
   * Makes the store ready for use: finishes a regroup that a crash interrupted, and returns notices for
   * the user (e.g. the configuration changed since the data was derived).
   */
  async prepare(config: CaseflowConfig, options: { checkDerivation?: boolean } = {}): Promise<string[]> {
    const notices: string[] = [];
    const deferredBy = await this.getMeta('regroup_deferred');
    if (deferredBy) {
      // A resumable run (a sync) regroups when it finishes: regrouping its partial data now would number
      // its cases differently from an uninterrupted run.
      notices.push(`${deferredBy}; cases and events will include its conversations when it finishes.`);
    } else if (await this.regroupPending()) {
      await this.regroup(config);
      notices.push(
        'an interrupted import or rebuild left cases and events behind its records: regrouped them.',
      );
    }
    // Support data imported since, or a changed divisions configuration: no rebuild needed.
    await this.refreshDivisions(config.divisions);
    const stored = await this.getMeta('derivation');
    if (
      (options.checkDerivation ?? true) &&
      stored !== undefined &&
      stored !== derivationFingerprint(config)
    ) {
      notices.push(
        'the eventlog configuration changed since the stored data was derived; run `caseflow rebuild` to re-derive it.',
      );
    }
    if ((options.checkDerivation ?? true) && (await conversationsWithoutSupportFacts(this.db)) > 0) {
      notices.push(
        'conversations stored by an earlier version lack their wrap-up notes and metric handle times in the support data; run `caseflow rebuild` to derive them.',
      );
    }
    return notices;
  }

  /** Set before derived rows are written, cleared by regroup: a crash in between is healed on next open. */
  async markRegroupPending(): Promise<void> {
    if ((await this.getMeta('regroup_pending')) !== '1') await this.setMeta('regroup_pending', '1');
  }

  async regroupPending(): Promise<boolean> {
    return (await this.getMeta('regroup_pending')) === '1';
  }

  /**
   * Deletes these conversations from every table holding rows of conversations (each base table with a
   * conversation_id column, events, case_ids) and the support rows of these contact ids (contact_id, or the
   * sender id of a contact's message), in one transaction; cases and events are regrouped by the caller
   * (pending until then). Returns the rows deleted per table.
   */
  async deleteConversations(
    conversationIds: readonly string[],
    contactIds: readonly string[] = [],
  ): Promise<Record<string, number>> {
    return this.db.transaction(async () => {
      await this.db.run(`CREATE OR REPLACE TEMP TABLE delete_conversation_ids (id VARCHAR);
        CREATE OR REPLACE TEMP TABLE delete_contact_ids (id VARCHAR);`);
      for (const [table, ids] of [
        ['delete_conversation_ids', conversationIds],
        ['delete_contact_ids', contactIds],
      ] as const) {
        const app = await this.db.appender(table);
        for (const id of ids) appendRow(app, [id]);
        app.closeSync();
      }
      const tables = await this.db.all<{ name: string }>(`
        SELECT c.table_name AS name FROM duckdb_columns() c
        JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
        WHERE c.column_name = 'conversation_id' AND NOT t.temporary AND t.database_name = current_database()
        ORDER BY name`);
      const ofConversations = (column: string) => `${column} IN (SELECT id FROM delete_conversation_ids)`;
      const ofContacts = (column: string) => `${column} IN (SELECT id FROM delete_contact_ids)`;
      const where = new Map(tables.map((t) => [t.name, ofConversations('conversation_id')]));
      where.set('case_ids', ofConversations('first_conversation_id'));
      where.set('events', ofConversations('ConversationId'));
      where.set(
        'support_conversations',
        `${ofConversations('conversation_id')} OR ${ofContacts('contact_id')}`,
      );
      where.set(
        'support_messages',
        `${ofConversations('conversation_id')} OR ${ofContacts('contact_id')}
          OR (sender_type = 'contact' AND ${ofContacts('sender_id')})`,
      );
      const deleted: Record<string, number> = {};
      for (const [table, condition] of where) {
        const row = await this.db.one<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${condition}`,
        );
        const n = row?.n ?? 0;
        deleted[table] = n;
        if (n > 0) await this.db.run(`DELETE FROM ${table} WHERE ${condition}`);
      }
      await this.db.run('DROP TABLE delete_conversation_ids; DROP TABLE delete_contact_ids;');
      if (Object.values(deleted).some((n) => n > 0)) {
        await this.markRegroupPending();
        await this.bumpDataVersion('support');
      }
      return deleted;
    });
  }

  async unmatchedSurveys(): Promise<number> {
    const row = await this.db.one<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM surveys WHERE conversation_id NOT IN (SELECT conversation_id FROM conversations)',
    );
    return row?.n ?? 0;
  }

  /** What is stored; with a scope of some divisions, the cases in scope, their conversations and events. */
  async counts(
    scope: DataScope = FULL_SCOPE,
  ): Promise<{ conversations: number; cases: number; events: number }> {
    const conversations =
      scope.divisions === 'all'
        ? 'SELECT count(*) FROM raw_conversations'
        : `SELECT count(*) FROM case_map WHERE ${caseInScope(scope, 'service_request')}`;
    const row = await this.db.one<{ conversations: number; cases: number; events: number }>(`
      SELECT (${conversations})::INTEGER AS conversations,
        (SELECT count(*) FROM cases WHERE ${caseInScope(scope, 'service_request')})::INTEGER AS cases,
        (SELECT count(*) FROM events WHERE ${caseInScope(scope, 'ServiceRequest')})::INTEGER AS events`);
    return row ?? { conversations: 0, cases: 0, events: 0 };
  }

  /** True for `default` and for a dataset that has a `datasets` row or events. */
  async datasetExists(name: string): Promise<boolean> {
    if (name === 'default') return true;
    const row = await this.db.one<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM datasets WHERE name = $name)
         OR EXISTS (SELECT 1 FROM dataset_events WHERE dataset = $name) AS found`,
      { name },
    );
    return row?.found ?? false;
  }

  /** Marks a dataset's events as changed, so that derived per-dataset tables are rebuilt on next use. */
  async bumpDataVersion(dataset: string): Promise<void> {
    await this.setMeta(`data_version:${dataset}`, `${Date.now()}-${Math.random().toString(36).slice(2)}`);
  }

  async dataVersion(dataset: string): Promise<string> {
    return (await this.getMeta(`data_version:${dataset}`)) ?? 'none';
  }

  /** Writes these meta entries in one transaction ('' is the value of an entry that is cleared). */
  async saveMeta(entries: Record<string, string>): Promise<void> {
    await this.db.transaction(async () => {
      for (const [key, value] of Object.entries(entries)) await this.setMeta(key, value);
    });
  }

  /** Two statements: callers that need it atomic call it inside a transaction. */
  async setMeta(key: string, value: string): Promise<void> {
    await this.db.run('DELETE FROM meta WHERE key = $key', { key });
    await this.db.run('INSERT INTO meta VALUES ($key, $value)', { key, value });
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.db.one<{ value: string }>('SELECT value FROM meta WHERE key = $key', { key }))?.value;
  }
}

const BUILD_EVENTS = `
DELETE FROM events;
INSERT INTO events
WITH ev AS (
  SELECT conversation_id, seq, activity, activity_order, event_time, event_end_time, media_type, agent_id,
    queue_id, wrap_up_code
  FROM conversation_events
  UNION ALL
  SELECT s.conversation_id, 1000000 + row_number() OVER (PARTITION BY s.conversation_id ORDER BY s.sent_date),
    'Customer Satisfaction Survey Sent', ${activityOrder('Customer Satisfaction Survey Sent')}, s.sent_date,
    s.sent_date, c.media_type, NULL, NULL, NULL
  FROM surveys s JOIN conversations c USING (conversation_id)
  UNION ALL
  SELECT r.conversation_id, -1, 'Service Request Reopened', ${activityOrder('Service Request Reopened')},
    r.event_time, r.event_time, c.media_type, NULL, NULL, NULL
  FROM reopens r JOIN conversations c USING (conversation_id)
)
SELECT m.service_request, ev.conversation_id, ev.activity, ev.event_time, ev.event_end_time,
  date_diff('millisecond', ev.event_time, ev.event_end_time) / 1000.0,
  c.source_system, c.last_data_update, ev.media_type, ev.agent_id,
  coalesce(u.name, ev.agent_id), coalesce(q.name, ev.queue_id), coalesce(w.name, ev.wrap_up_code),
  k.request_type, k.csat, k.sla_target, k.service_resolution_time, k.is_sla_compliant, k.is_reopened, k.is_fcr,
  ev.activity_order, ev.seq
FROM ev
JOIN case_map m USING (conversation_id)
JOIN conversations c USING (conversation_id)
JOIN cases k ON k.service_request = m.service_request
LEFT JOIN directory u ON u.kind = 'users' AND u.id = ev.agent_id
LEFT JOIN directory q ON q.kind = 'queues' AND q.id = ev.queue_id
LEFT JOIN directory w ON w.kind = 'wrapUpCodes' AND w.id = ev.wrap_up_code
ORDER BY m.service_request, ev.event_time, ev.activity_order, ev.conversation_id, ev.seq;
`;

function eventFilter(filter: EventLogFilter): { where: string; params: Record<string, string> } {
  const clauses: string[] = [];
  if (filter.scope && filter.scope.divisions !== 'all')
    clauses.push(caseInScope(filter.scope, 'ServiceRequest'));
  const params: Record<string, string> = {};
  if (filter.from) {
    clauses.push('EventTime >= CAST($from AS TIMESTAMP)');
    params.from = toUtcTimestamp(filter.from, 'from');
  }
  if (filter.to) {
    clauses.push('EventTime < CAST($to AS TIMESTAMP)');
    params.to = toUtcTimestamp(filter.to, 'to');
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** Accepts a date (YYYY-MM-DD) or an ISO date-time; returns a UTC timestamp literal. */
/** Epoch ms of an ISO-8601 date (a UTC day) or date-time; NaN when it is neither. */
export function parseDateOrDateTime(value: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}

export function toUtcTimestamp(value: string, name: string): string {
  const time = parseDateOrDateTime(value);
  if (Number.isNaN(time)) throw new RangeError(`--${name}: "${value}" is not an ISO-8601 date or date-time`);
  return new Date(time).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * SQL select list of the `events` table as the 20 attributes (times as ISO-8601 UTC strings), QueueName and
 * WrapUpCode NULL where the scope masks them.
 */
export const eventLogColumns = (
  scope: DataScope,
): string => `ServiceRequest AS "ServiceRequest", ConversationId AS "ConversationId",
  ActivityName AS "ActivityName", ${iso('EventTime')} AS "EventTime", ${iso('EventEndTime')} AS "EventEndTime",
  Duration AS "Duration", SourceSystem AS "SourceSystem", ${iso('LastDataUpdate')} AS "LastDataUpdate",
  MediaType AS "MediaType", AgentId AS "AgentId", AgentName AS "AgentName",
  ${queueSql(scope, 'QueueName')} AS "QueueName", ${wrapUpCodeSql(scope, 'WrapUpCode')} AS "WrapUpCode",
  ServiceRequestType AS "ServiceRequestType",
  CustomerSatisfactionScore AS "CustomerSatisfactionScore", SlaTargetResolutionTime AS "SlaTargetResolutionTime",
  ServiceResolutionTime AS "ServiceResolutionTime", IsSlaCompliant AS "IsSlaCompliant", IsReopened AS "IsReopened",
  IsFirstContactResolution AS "IsFirstContactResolution"`;

/** eventLogColumns of everything, unmasked. */
export const EVENT_LOG_COLUMNS = eventLogColumns(FULL_SCOPE);

/** SQL of a number column as plain text: integers without ".0". */
export const numberText = (column: string): string =>
  `CASE WHEN ${column} = trunc(${column}) THEN CAST(CAST(${column} AS BIGINT) AS VARCHAR) ELSE CAST(${column} AS VARCHAR) END`;

function eventLogQuery(
  filter: EventLogFilter,
  page?: { limit: number; offset: number },
): { sql: string; params: Record<string, string | number> } {
  const { where, params } = eventFilter(filter);
  const limit = page ? `LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}` : '';
  const sql = `
    SELECT ${eventLogColumns(filter.scope ?? FULL_SCOPE)}
    FROM events ${where}
    ORDER BY ServiceRequest, EventTime, activity_order, ConversationId, seq ${limit}`;
  return { sql, params };
}
