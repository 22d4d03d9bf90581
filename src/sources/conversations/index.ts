import path from 'node:path';
import type { CaseflowConfig } from '../../config/index.ts';
import { preparePseudonymization, pseudonymizeSupportRow } from '../../privacy/index.ts';
import {
  directionOf,
  isTimeZone,
  type MessageDirection,
  type OutboundSource,
  outboundSourceOf,
  type SenderType,
} from '../../reports/definitions.ts';
import { appendRow, type Cell } from '../../store/duckdb.ts';
import type { Store } from '../../store/index.ts';
import { Quarantine, type Rejection } from '../quarantine.ts';
import { InputError } from '../records.ts';
import {
  CONVERSATION_FIELDS,
  cellText,
  type FieldSpec,
  isEmpty,
  loose,
  MESSAGE_FIELDS,
  parseCell,
} from './fields.ts';
import {
  detectFormat,
  INPUT_FORMATS,
  type InputFormat,
  type InputLayout,
  type InputRow,
  readInputRows,
} from './read.ts';

export { CONVERSATION_FIELDS, type FieldSpec, MESSAGE_FIELDS, parseDuration, parseTime } from './fields.ts';
export { INPUT_FORMATS, type InputFormat } from './read.ts';

export type SupportImportKind = 'conversations' | 'messages';

export interface SupportImportOptions {
  /** `COLUMN=FIELD` pairs: the column (CSV header or JSON key) that holds a field. */
  map?: readonly string[];
  /** source_system of the rows (default `import`). */
  source?: string;
  /** Default: by extension, else by the first character (`[` or `{`: JSON). */
  format?: InputFormat;
  /** CSV delimiter (default: detected among , ; tab |). */
  delimiter?: string;
  /** Time zone of times written without an offset (default UTC). */
  timeZone?: string;
  /** Import time: last_data_update of new or changed rows, quarantine file name. Default: now. */
  now?: Date;
  onProgress?: (bytesRead: number, bytesTotal: number) => void;
  /**
   * privacy.pseudonymize on: contact ids (and the sender id of a contact's message) are stored as
   * pseudonyms; content, summaries and names are kept as given. Default: off.
   */
  privacy?: CaseflowConfig['privacy'];
  /** Where CASEFLOW_PSEUDONYMIZE_KEY is read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface SupportImportSummary {
  kind: SupportImportKind;
  file: string;
  format: InputFormat;
  delimiter?: string;
  /** Valid rows read (an id repeated in the file counts each time; the last one is kept). */
  rows: number;
  /** Rows whose id appears again later in the file. */
  duplicates: number;
  added: number;
  updated: number;
  /** Identical to the stored row: nothing written, last_data_update kept. */
  unchanged: number;
  rejected: number;
  firstRejections: Rejection[];
  quarantineFile: string | null;
  /** The column read for each field. */
  columns: Record<string, string>;
  /** Columns no field reads. */
  ignoredColumns: string[];
  /** Rows of the table after the import. */
  total: number;
}

// ---------------------------------------------------------------------------------------------
// Column mapping
// ---------------------------------------------------------------------------------------------

/** Parses `--map COLUMN=FIELD` pairs (split at the last `=`); InputError on an unknown field. */
export function parseMap(pairs: readonly string[], fields: readonly FieldSpec[]): Map<string, string> {
  const out = new Map<string, string>();
  const names = fields.map((f) => f.name);
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) {
      throw new InputError(
        `--map ${JSON.stringify(pair)}: expected COLUMN=FIELD (FIELD one of ${names.join(', ')})`,
      );
    }
    const column = pair.slice(0, at).trim();
    const wanted = pair.slice(at + 1).trim();
    const field =
      fields.find((f) => f.name === wanted) ?? fields.find((f) => loose(f.name) === loose(wanted));
    if (!field)
      throw new InputError(
        `--map ${JSON.stringify(pair)}: unknown field "${wanted}"; fields: ${names.join(', ')}`,
      );
    out.set(column, field.name);
  }
  return out;
}

interface Resolution {
  /** Field name → column index. */
  byField: Map<string, number>;
  /** Mapped columns (--map) that the columns lack. */
  unmatched: string[];
  ignored: string[];
}

function findColumn(columns: readonly string[], name: string, taken: ReadonlySet<number>): number {
  const free = (i: number) => !taken.has(i);
  const exact = columns.findIndex((c, i) => c === name && free(i));
  if (exact >= 0) return exact;
  for (const same of [
    (c: string) => c.toLowerCase() === name.toLowerCase(),
    (c: string) => loose(c) === loose(name),
  ]) {
    const matches = columns.flatMap((c, i) => (same(c) && free(i) ? [i] : []));
    if (matches.length === 1) return matches[0] ?? -1;
  }
  return -1;
}

/** Which column holds each field: --map first, then each field's usual names in order. */
function resolveColumns(
  columns: readonly string[],
  fields: readonly FieldSpec[],
  map: ReadonlyMap<string, string>,
): Resolution {
  const byField = new Map<string, number>();
  const taken = new Set<number>();
  const unmatched: string[] = [];
  for (const [column, field] of map) {
    const i = findColumn(columns, column, taken);
    if (i < 0) unmatched.push(column);
    else {
      byField.set(field, i);
      taken.add(i);
    }
  }
  const looseColumns = columns.map(loose);
  for (const field of fields) {
    if (byField.has(field.name) || [...map.values()].includes(field.name)) continue;
    for (const alias of field.aliases) {
      const i = looseColumns.findIndex((c, j) => c === loose(alias) && !taken.has(j));
      if (i >= 0) {
        byField.set(field.name, i);
        taken.add(i);
        break;
      }
    }
  }
  const ignored = columns.filter((_, i) => !taken.has(i));
  return { byField, unmatched, ignored };
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

type Values = Map<string, string | number>;
/** The values of a row's non-empty cells, and the fields the row has a column for (empty or not). */
type RowOutcome = { values: Values; present: Set<string> } | { field?: string; reason: string };

/** Reads every mapped cell of a row; the first bad cell or missing required field rejects it. */
function readRow(
  row: InputRow,
  fields: readonly FieldSpec[],
  resolution: Resolution,
  timeZone: string | undefined,
): RowOutcome {
  const values: Values = new Map();
  const present = new Set<string>();
  const columns = row.columns ?? [];
  const cells = row.values ?? [];
  for (const field of fields) {
    const i = resolution.byField.get(field.name);
    if (i !== undefined) present.add(field.name);
    const raw = i === undefined ? undefined : cells[i];
    if (isEmpty(raw)) {
      if (field.required) {
        const where = i === undefined ? 'no column' : `column ${JSON.stringify(columns[i])} is empty`;
        return { field: field.name, reason: `${field.name}: missing (${where})` };
      }
      continue;
    }
    const parsed = parseCell(field.kind, raw, timeZone);
    if (!parsed.ok) {
      return {
        field: field.name,
        reason: `${field.name} (column ${JSON.stringify(columns[i ?? 0])}): ${parsed.error}`,
      };
    }
    values.set(field.name, parsed.value);
  }
  return { values, present };
}

const text = (v: Values, name: string): string | null => {
  const value = v.get(name);
  return value === undefined ? null : String(value);
};
const num = (v: Values, name: string): number | null => {
  const value = v.get(name);
  return typeof value === 'number' ? value : null;
};

/** A stored support_conversations row of an import (times epoch ms). */
interface ConversationRow {
  conversation_id: string;
  channel: string | null;
  opened_by: string | null;
  opened_at: number;
  resolved_at: number | null;
  contact_id: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  team: string | null;
  resolver_id: string | null;
  resolver_name: string | null;
  first_response_at: number | null;
  inbound_count: number | null;
  outbound_count: number | null;
  handle_seconds: number | null;
  transfers: number | null;
  category: string | null;
  summary: string | null;
  queue_name: string | null;
  wrap_up_code: string | null;
  csat: number | null;
  service_request: string | null;
}

/**
 * A conversation row: resolved_at as given, else opened_at + resolution_time; first_response_at as given,
 * else opened_at + first_response_time (the times win over the durations when both are given); neither may
 * precede opened_at.
 */
function conversationRow(v: Values): { row: ConversationRow } | { field: string; reason: string } {
  const opened = num(v, 'opened_at') as number;
  let resolved = num(v, 'resolved_at');
  const resolution = num(v, 'resolution_time');
  if (resolved === null && resolution !== null) resolved = opened + resolution * 1000;
  let first = num(v, 'first_response_at');
  const firstTime = num(v, 'first_response_time');
  if (first === null && firstTime !== null) first = opened + firstTime * 1000;
  const iso = (t: number) => new Date(t).toISOString();
  if (resolved !== null && resolved < opened) {
    return {
      field: 'resolved_at',
      reason: `resolved_at ${iso(resolved)} is before opened_at ${iso(opened)}`,
    };
  }
  if (first !== null && first < opened) {
    return {
      field: 'first_response_at',
      reason: `first_response_at ${iso(first)} is before opened_at ${iso(opened)}`,
    };
  }
  return {
    row: {
      conversation_id: text(v, 'conversation_id') as string,
      channel: text(v, 'channel'),
      opened_by: text(v, 'opened_by'),
      opened_at: opened,
      resolved_at: resolved,
      contact_id: text(v, 'contact_id'),
      assignee_id: text(v, 'assignee'),
      assignee_name: text(v, 'assignee_name'),
      team: text(v, 'team'),
      resolver_id: text(v, 'resolver'),
      resolver_name: text(v, 'resolver_name'),
      first_response_at: first,
      inbound_count: num(v, 'inbound_count'),
      outbound_count: num(v, 'outbound_count'),
      handle_seconds: num(v, 'handle_time'),
      transfers: num(v, 'transfers'),
      category: text(v, 'category'),
      summary: text(v, 'summary'),
      queue_name: text(v, 'queue_name'),
      wrap_up_code: text(v, 'wrap_up_code'),
      csat: num(v, 'csat'),
      service_request: text(v, 'service_request'),
    },
  };
}

/** A stored support_messages row (times epoch ms). */
interface MessageRow {
  message_id: string;
  conversation_id: string | null;
  sent_at: number;
  direction: MessageDirection;
  sender_id: string | null;
  sender_type: SenderType;
  source: OutboundSource | null;
  contact_id: string | null;
  channel: string | null;
  message_type: string;
  content: string | null;
  status: string;
  failure_reason: string | null;
}

/**
 * A message row: direction from the sender type (contact: inbound, anything else: outbound; a given
 * direction must agree); outbound source as given, else from the sender type (bot: workflow); status
 * default `sent`, message type default `text`; a contact or a conversation is required.
 */
function messageRow(v: Values): { row: MessageRow } | { field: string; reason: string } {
  const senderType = text(v, 'sender_type') as SenderType;
  const direction = directionOf(senderType);
  const given = text(v, 'direction');
  if (given !== null && given !== direction) {
    return {
      field: 'direction',
      reason: `direction ${given} contradicts sender_type ${senderType} (contact: inbound, others: outbound)`,
    };
  }
  const contactId = text(v, 'contact_id');
  const conversationId = text(v, 'conversation_id');
  if (contactId === null && conversationId === null) {
    return { field: 'contact_id', reason: 'contact_id: missing, and no conversation_id either' };
  }
  const source =
    direction === 'inbound'
      ? null
      : ((text(v, 'source') as OutboundSource | null) ?? outboundSourceOf(senderType));
  return {
    row: {
      message_id: text(v, 'message_id') as string,
      conversation_id: conversationId,
      sent_at: num(v, 'sent_at') as number,
      direction,
      sender_id: text(v, 'sender_id'),
      sender_type: senderType,
      source,
      contact_id: contactId,
      channel: text(v, 'channel'),
      message_type: text(v, 'message_type') ?? 'text',
      content: text(v, 'content'),
      status: text(v, 'status') ?? 'sent',
      failure_reason: text(v, 'failure_reason'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/** A stored column: its type in the staging table, and the fields that give it (none: set by the import). */
type ColumnSpec = readonly [string, 'VARCHAR' | 'TIMESTAMP' | 'DOUBLE' | 'INTEGER', readonly string[]];

interface TableSpec {
  table: string;
  id: string;
  /** Stored columns written by the import, in order. */
  columns: readonly ColumnSpec[];
}

const CONVERSATIONS_TABLE: TableSpec = {
  table: 'support_conversations',
  id: 'conversation_id',
  columns: [
    ['conversation_id', 'VARCHAR', ['conversation_id']],
    ['origin', 'VARCHAR', []],
    ['source_system', 'VARCHAR', []],
    ['channel', 'VARCHAR', ['channel']],
    ['opened_by', 'VARCHAR', ['opened_by']],
    ['opened_at', 'TIMESTAMP', ['opened_at']],
    ['resolved_at', 'TIMESTAMP', ['resolved_at', 'resolution_time']],
    ['contact_id', 'VARCHAR', ['contact_id']],
    ['assignee_id', 'VARCHAR', ['assignee']],
    ['assignee_name', 'VARCHAR', ['assignee_name']],
    ['team', 'VARCHAR', ['team']],
    ['resolver_id', 'VARCHAR', ['resolver']],
    ['resolver_name', 'VARCHAR', ['resolver_name']],
    ['first_response_at', 'TIMESTAMP', ['first_response_at', 'first_response_time']],
    ['inbound_count', 'INTEGER', ['inbound_count']],
    ['outbound_count', 'INTEGER', ['outbound_count']],
    ['handle_seconds', 'DOUBLE', ['handle_time']],
    ['transfers', 'INTEGER', ['transfers']],
    ['category', 'VARCHAR', ['category']],
    ['summary', 'VARCHAR', ['summary']],
    ['queue_name', 'VARCHAR', ['queue_name']],
    ['wrap_up_code', 'VARCHAR', ['wrap_up_code']],
    ['csat', 'DOUBLE', ['csat']],
    ['service_request', 'VARCHAR', ['service_request']],
  ],
};

const MESSAGES_TABLE: TableSpec = {
  table: 'support_messages',
  id: 'message_id',
  columns: [
    ['message_id', 'VARCHAR', ['message_id']],
    ['conversation_id', 'VARCHAR', ['conversation_id']],
    ['sent_at', 'TIMESTAMP', ['sent_at']],
    // From the sender type, always.
    ['direction', 'VARCHAR', []],
    ['sender_id', 'VARCHAR', ['sender_id']],
    ['sender_type', 'VARCHAR', ['sender_type']],
    ['source', 'VARCHAR', ['source']],
    ['contact_id', 'VARCHAR', ['contact_id']],
    ['channel', 'VARCHAR', ['channel']],
    ['message_type', 'VARCHAR', ['message_type']],
    ['content', 'VARCHAR', ['content']],
    ['status', 'VARCHAR', ['status']],
    ['failure_reason', 'VARCHAR', ['failure_reason']],
    ['source_system', 'VARCHAR', []],
  ],
};

const STAGING = 'support_import_rows';

/**
 * The cells of a row in the spec's column order, and which stored columns the row keeps (`1`): those whose
 * fields have no column in the file (a CSV header, a JSON object's keys). An empty cell is a value: none.
 */
function cellsOf(
  spec: TableSpec,
  row: Record<string, string | number | null>,
  present: ReadonlySet<string>,
): { cells: Cell[]; keep: string } {
  const cells: Cell[] = spec.columns.map(([name, type]) => {
    const value = row[name] ?? null;
    if (value === null) return null;
    return type === 'TIMESTAMP' ? { ts: value as number } : value;
  });
  const keep = spec.columns
    .map(([, , fields]) => (fields.length > 0 && !fields.some((f) => present.has(f)) ? '1' : '0'))
    .join('');
  return { cells, keep };
}

/**
 * SQL: the value of each stored column once an import row (`b`) meets the stored row (`t`, absent for a
 * new id). A column the row keeps (its fields absent from the file) keeps the stored value; else the
 * row's. Special cases, so that an export reads back as it was written:
 * - the conversation export writes the assignee's (resolver's) name, else its id, in one column: without a
 *   name column, a value equal to the stored name is that same agent (the stored id is kept); a kept name
 *   is kept only while the id is the stored one (another agent's name would be wrong);
 * - a message's kept outbound source is kept only while the sender type is the stored one.
 */
function mergedColumns(spec: TableSpec): string[] {
  const index = new Map(spec.columns.map(([name], i) => [name, i]));
  const keep = (name: string) => `substr(b.__keep, ${(index.get(name) ?? 0) + 1}, 1) = '1'`;
  const stored = `t.${spec.id} IS NOT NULL`;
  const agent = (id: string, name: string) =>
    `CASE WHEN NOT (${stored}) THEN b.${id} WHEN ${keep(id)} THEN t.${id}
       WHEN ${keep(name)} AND b.${id} = t.${name} THEN t.${id} ELSE b.${id} END`;
  const special: Record<string, string> =
    spec === CONVERSATIONS_TABLE
      ? {
          assignee_id: agent('assignee_id', 'assignee_name'),
          assignee_name: `CASE WHEN NOT (${stored}) OR NOT (${keep('assignee_name')}) THEN b.assignee_name
            WHEN (${agent('assignee_id', 'assignee_name')}) IS NOT DISTINCT FROM t.assignee_id THEN t.assignee_name END`,
          resolver_id: agent('resolver_id', 'resolver_name'),
          resolver_name: `CASE WHEN NOT (${stored}) OR NOT (${keep('resolver_name')}) THEN b.resolver_name
            WHEN (${agent('resolver_id', 'resolver_name')}) IS NOT DISTINCT FROM t.resolver_id THEN t.resolver_name END`,
        }
      : {
          source: `CASE WHEN ${stored} AND ${keep('source')} AND t.sender_type = b.sender_type THEN t.source
            ELSE b.source END`,
        };
  return spec.columns.map(([name, type]) => {
    const value = special[name] ?? `CASE WHEN ${stored} AND ${keep(name)} THEN t.${name} ELSE b.${name} END`;
    return `CAST(${value} AS ${type}) AS ${name}`;
  });
}

/**
 * Writes the rows (the last one of each id): a new id is added; a stored one merged (mergedColumns) and
 * replaced when the merged row differs from it in any column, else left as it is — last_data_update too.
 */
async function writeRows(
  store: Store,
  spec: TableSpec,
  rows: AsyncIterable<{ seq: number; cells: Cell[]; keep: string }>,
  lastDataUpdate: number,
): Promise<{ added: number; updated: number; unchanged: number; total: number }> {
  const db = store.db;
  const staged = spec.columns
    .map(([name, type]) => `${name} ${type === 'INTEGER' ? 'DOUBLE' : type}`)
    .join(', ');
  await db.run(`CREATE OR REPLACE TEMP TABLE ${STAGING} (seq DOUBLE, ${staged}, __keep VARCHAR)`);
  const app = await db.appender(STAGING);
  try {
    for await (const r of rows) appendRow(app, [r.seq, ...r.cells, r.keep]);
  } finally {
    app.closeSync();
  }
  const { table, id } = spec;
  const names = spec.columns.map(([name]) => name);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${STAGING}_last AS
    SELECT * EXCLUDE (seq) FROM ${STAGING} QUALIFY row_number() OVER (PARTITION BY ${id} ORDER BY seq DESC) = 1`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${STAGING}_merged AS
    SELECT ${mergedColumns(spec).join(',\n      ')}, t.${id} IS NOT NULL AS __stored
    FROM ${STAGING}_last b LEFT JOIN ${table} t ON t.${id} = b.${id}`);
  const same = names.map((name) => `t.${name} IS NOT DISTINCT FROM m.${name}`).join(' AND ');
  await db.run(`CREATE OR REPLACE TEMP TABLE ${STAGING}_final AS
    SELECT m.*, m.__stored AND ${same} AS __same
    FROM ${STAGING}_merged m LEFT JOIN ${table} t ON t.${id} = m.${id}`);
  const counts = await db.one<{ added: number; updated: number; unchanged: number }>(`
    SELECT count(*) FILTER (WHERE NOT __stored)::INTEGER AS added,
      count(*) FILTER (WHERE __stored AND NOT __same)::INTEGER AS updated,
      count(*) FILTER (WHERE __same)::INTEGER AS unchanged
    FROM ${STAGING}_final`);
  await db.run(`DELETE FROM ${table} WHERE ${id} IN (
    SELECT ${id} FROM ${STAGING}_final WHERE __stored AND NOT __same)`);
  await db.run(
    `INSERT INTO ${table} BY NAME
     SELECT ${names.join(', ')}, CAST($updated AS TIMESTAMP) AS last_data_update,
       md5(CAST(row(${names.join(', ')}) AS VARCHAR)) AS record_hash
     FROM ${STAGING}_final WHERE NOT __same`,
    { updated: new Date(lastDataUpdate).toISOString().replace('T', ' ').replace('Z', '') },
  );
  await db.run(
    `DROP TABLE ${STAGING}; DROP TABLE ${STAGING}_last; DROP TABLE ${STAGING}_merged; DROP TABLE ${STAGING}_final;`,
  );
  const total = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return {
    added: counts?.added ?? 0,
    updated: counts?.updated ?? 0,
    unchanged: counts?.unchanged ?? 0,
    total: total?.n ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

const located = (row: InputRow) => ({
  file: row.file,
  ...(row.line !== undefined ? { line: row.line } : {}),
  ...(row.index !== undefined ? { index: row.index } : {}),
});

/** Rows as given (column → value), for the quarantine. */
function rowRecord(row: InputRow): unknown {
  if (row.columns && row.values) return Object.fromEntries(row.columns.map((c, i) => [c, row.values?.[i]]));
  return row.raw;
}

async function importSupport(
  store: Store,
  kind: SupportImportKind,
  file: string,
  options: SupportImportOptions,
): Promise<SupportImportSummary> {
  const fields = kind === 'conversations' ? CONVERSATION_FIELDS : MESSAGE_FIELDS;
  const spec = kind === 'conversations' ? CONVERSATIONS_TABLE : MESSAGES_TABLE;
  const map = parseMap(options.map ?? [], fields);
  if (options.timeZone !== undefined && !isTimeZone(options.timeZone)) {
    throw new InputError(`--time-zone ${options.timeZone}: not an IANA time zone (e.g. Europe/Paris)`);
  }
  if (options.format !== undefined && !(INPUT_FORMATS as readonly string[]).includes(options.format)) {
    throw new InputError(`format must be one of ${INPUT_FORMATS.join(', ')}, not '${options.format}'`);
  }
  const format = options.format ?? (await detectFormat(file));
  // A missing key or a mode other than the stored data's is refused before anything is read.
  const pseudonymizer = await preparePseudonymization(
    store,
    { privacy: options.privacy ?? { pseudonymize: false } },
    options.env,
  );
  const now = options.now ?? new Date();
  const source = options.source?.trim() || 'import';
  const quarantine = new Quarantine(store.dataDir, kind, now);
  const idField = kind === 'conversations' ? 'conversation_id' : 'message_id';

  let layout: InputLayout = { format };
  const columnsUsed: Record<string, string> = {};
  const ignored = new Set<string>();
  const resolutions = new Map<string, Resolution>();
  const resolve = (columns: readonly string[]): Resolution => {
    const key = columns.join('\u0001');
    let r = resolutions.get(key);
    if (!r) {
      r = resolveColumns(columns, fields, map);
      if (resolutions.size < 10_000) resolutions.set(key, r);
      for (const [field, i] of r.byField) columnsUsed[field] ??= columns[i] ?? '';
      for (const c of r.ignored) if (ignored.size < 100) ignored.add(c);
    }
    return r;
  };
  const onLayout = (l: InputLayout): void => {
    layout = l;
    if (!l.header) return;
    const r = resolve(l.header);
    const listing = l.header.map((h) => JSON.stringify(h)).join(', ');
    if (r.unmatched.length) {
      throw new InputError(
        `--map: no column ${r.unmatched.map((c) => JSON.stringify(c)).join(', ')}; the header has ${l.header.length} columns: ${listing}`,
      );
    }
    for (const field of fields) {
      if (field.required && !r.byField.has(field.name)) {
        throw new InputError(
          `${file}: no ${field.name} column found (tried ${field.aliases.join(', ')}); name it with --map COLUMN=${field.name}. The header has ${l.header.length} columns: ${listing}`,
        );
      }
    }
  };

  let rowsRead = 0;
  const seen = new Set<string>();
  let duplicates = 0;
  async function* accepted(): AsyncGenerator<{ seq: number; cells: Cell[]; keep: string }> {
    for await (const batch of readInputRows(file, {
      format,
      listKey: kind,
      delimiter: options.delimiter,
      onLayout,
      onProgress: options.onProgress,
    })) {
      for (const row of batch) {
        if (row.error !== undefined) {
          quarantine.reject({ ...located(row), reason: row.error, record: row.raw });
          continue;
        }
        const resolution = resolve(row.columns ?? []);
        const outcome = readRow(row, fields, resolution, options.timeZone);
        const idCell = row.values?.[resolution.byField.get(idField) ?? -1];
        const id = isEmpty(idCell) ? null : cellText(idCell).trim();
        const present = 'present' in outcome ? outcome.present : new Set<string>();
        const built =
          'values' in outcome
            ? kind === 'conversations'
              ? conversationRow(outcome.values)
              : messageRow(outcome.values)
            : outcome;
        if (!('row' in built)) {
          const ids =
            id === null ? {} : kind === 'conversations' ? { conversationId: id } : { messageId: id };
          quarantine.reject({
            ...located(row),
            ...ids,
            field: built.field,
            reason: built.reason,
            record: rowRecord(row),
          });
          continue;
        }
        const stored: Record<string, string | number | null> =
          kind === 'conversations'
            ? { ...(built.row as ConversationRow), origin: 'import', source_system: source }
            : { ...(built.row as MessageRow), source_system: source };
        if (pseudonymizer) pseudonymizeSupportRow(stored, pseudonymizer);
        const key = String(stored[idField]);
        if (seen.has(key)) duplicates += 1;
        else seen.add(key);
        rowsRead += 1;
        yield { seq: rowsRead, ...cellsOf(spec, stored, present) };
      }
    }
  }

  const written = await store.db.transaction(async () => {
    const counts = await writeRows(store, spec, accepted(), now.getTime());
    // The workflows' trigger scan looks at the support data again (src/workflows/scan.ts).
    if (counts.added + counts.updated > 0) await store.bumpDataVersion('support');
    return counts;
  });
  return {
    kind,
    file: path.resolve(file),
    format: layout.format,
    ...(layout.delimiter !== undefined ? { delimiter: layout.delimiter } : {}),
    rows: rowsRead,
    duplicates,
    ...written,
    rejected: quarantine.count,
    firstRejections: quarantine.first,
    quarantineFile: quarantine.count ? quarantine.file : null,
    columns: columnsUsed,
    ignoredColumns: [...ignored],
  };
}

/**
 * Imports conversations from a CSV or JSON file into support_conversations (README "Support data"):
 * one row per conversation id; a stored one gets the fields the file has columns for and keeps the
 * others (mergedColumns), and is replaced when that changes it, untouched when identical; bad rows are
 * quarantined with file, line (or index) and field, the rest lands.
 */
export function importConversations(
  store: Store,
  file: string,
  options: SupportImportOptions = {},
): Promise<SupportImportSummary> {
  return importSupport(store, 'conversations', file, options);
}

/** Imports messages from a CSV or JSON file into support_messages; same rules as importConversations. */
export function importMessages(
  store: Store,
  file: string,
  options: SupportImportOptions = {},
): Promise<SupportImportSummary> {
  return importSupport(store, 'messages', file, options);
}
