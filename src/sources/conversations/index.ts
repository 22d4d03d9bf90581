import { createHash } from 'node:crypto';
import path from 'node:path';
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
type RowOutcome = { values: Values } | { field?: string; reason: string };

/** Reads every mapped cell of a row; the first bad cell or missing required field rejects it. */
function readRow(
  row: InputRow,
  fields: readonly FieldSpec[],
  resolution: Resolution,
  timeZone: string | undefined,
): RowOutcome {
  const values: Values = new Map();
  const columns = row.columns ?? [];
  const cells = row.values ?? [];
  for (const field of fields) {
    const i = resolution.byField.get(field.name);
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
  return { values };
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

interface TableSpec {
  table: string;
  id: string;
  /** Stored columns written by the import, with their types in the staging table, in order. */
  columns: readonly [string, 'VARCHAR' | 'TIMESTAMP' | 'DOUBLE' | 'INTEGER'][];
}

const CONVERSATIONS_TABLE: TableSpec = {
  table: 'support_conversations',
  id: 'conversation_id',
  columns: [
    ['conversation_id', 'VARCHAR'],
    ['origin', 'VARCHAR'],
    ['source_system', 'VARCHAR'],
    ['channel', 'VARCHAR'],
    ['opened_by', 'VARCHAR'],
    ['opened_at', 'TIMESTAMP'],
    ['resolved_at', 'TIMESTAMP'],
    ['contact_id', 'VARCHAR'],
    ['assignee_id', 'VARCHAR'],
    ['assignee_name', 'VARCHAR'],
    ['team', 'VARCHAR'],
    ['resolver_id', 'VARCHAR'],
    ['resolver_name', 'VARCHAR'],
    ['first_response_at', 'TIMESTAMP'],
    ['inbound_count', 'INTEGER'],
    ['outbound_count', 'INTEGER'],
    ['handle_seconds', 'DOUBLE'],
    ['transfers', 'INTEGER'],
    ['category', 'VARCHAR'],
    ['summary', 'VARCHAR'],
    ['queue_name', 'VARCHAR'],
    ['wrap_up_code', 'VARCHAR'],
    ['csat', 'DOUBLE'],
    ['service_request', 'VARCHAR'],
  ],
};

const MESSAGES_TABLE: TableSpec = {
  table: 'support_messages',
  id: 'message_id',
  columns: [
    ['message_id', 'VARCHAR'],
    ['conversation_id', 'VARCHAR'],
    ['sent_at', 'TIMESTAMP'],
    ['direction', 'VARCHAR'],
    ['sender_id', 'VARCHAR'],
    ['sender_type', 'VARCHAR'],
    ['source', 'VARCHAR'],
    ['contact_id', 'VARCHAR'],
    ['channel', 'VARCHAR'],
    ['message_type', 'VARCHAR'],
    ['content', 'VARCHAR'],
    ['status', 'VARCHAR'],
    ['failure_reason', 'VARCHAR'],
    ['source_system', 'VARCHAR'],
  ],
};

const STAGING = 'support_import_rows';

/** The cells of a row in the spec's column order; the hash covers every stored column but last_data_update. */
function cellsOf(
  spec: TableSpec,
  row: Record<string, string | number | null>,
): { cells: Cell[]; hash: string } {
  const cells: Cell[] = spec.columns.map(([name, type]) => {
    const value = row[name] ?? null;
    if (value === null) return null;
    return type === 'TIMESTAMP' ? { ts: value as number } : value;
  });
  const hash = createHash('sha1').update(JSON.stringify(cells)).digest('hex');
  return { cells, hash };
}

async function writeRows(
  store: Store,
  spec: TableSpec,
  rows: AsyncIterable<{ seq: number; cells: Cell[]; hash: string }>,
  lastDataUpdate: number,
): Promise<{ added: number; updated: number; unchanged: number; total: number }> {
  const db = store.db;
  const staged = spec.columns
    .map(([name, type]) => `${name} ${type === 'INTEGER' ? 'DOUBLE' : type}`)
    .join(', ');
  await db.run(`CREATE OR REPLACE TEMP TABLE ${STAGING} (seq DOUBLE, ${staged}, record_hash VARCHAR)`);
  const app = await db.appender(STAGING);
  try {
    for await (const r of rows) appendRow(app, [r.seq, ...r.cells, r.hash]);
  } finally {
    app.closeSync();
  }
  const { table, id } = spec;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${STAGING}_last AS
    SELECT * EXCLUDE (seq) FROM ${STAGING} QUALIFY row_number() OVER (PARTITION BY ${id} ORDER BY seq DESC) = 1`);
  const counts = await db.one<{ added: number; updated: number; unchanged: number }>(`
    SELECT count(*) FILTER (WHERE t.${id} IS NULL)::INTEGER AS added,
      count(*) FILTER (WHERE t.${id} IS NOT NULL AND t.record_hash IS DISTINCT FROM b.record_hash)::INTEGER AS updated,
      count(*) FILTER (WHERE t.record_hash = b.record_hash)::INTEGER AS unchanged
    FROM ${STAGING}_last b LEFT JOIN ${table} t ON t.${id} = b.${id}`);
  await db.run(`DELETE FROM ${table} WHERE ${id} IN (
    SELECT b.${id} FROM ${STAGING}_last b JOIN ${table} t ON t.${id} = b.${id}
    WHERE t.record_hash IS DISTINCT FROM b.record_hash)`);
  const select = spec.columns
    .map(([name, type]) => (type === 'INTEGER' ? `CAST(${name} AS INTEGER) AS ${name}` : name))
    .join(', ');
  await db.run(
    `INSERT INTO ${table} BY NAME
     SELECT ${select}, CAST($updated AS TIMESTAMP) AS last_data_update, record_hash FROM ${STAGING}_last
     WHERE ${id} NOT IN (SELECT ${id} FROM ${table})`,
    { updated: new Date(lastDataUpdate).toISOString().replace('T', ' ').replace('Z', '') },
  );
  await db.run(`DROP TABLE ${STAGING}; DROP TABLE ${STAGING}_last;`);
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
  async function* accepted(): AsyncGenerator<{ seq: number; cells: Cell[]; hash: string }> {
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
        const key = String(stored[idField]);
        if (seen.has(key)) duplicates += 1;
        else seen.add(key);
        rowsRead += 1;
        yield { seq: rowsRead, ...cellsOf(spec, stored) };
      }
    }
  }

  const written = await store.db.transaction(() => writeRows(store, spec, accepted(), now.getTime()));
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
 * one row per conversation id, replaced when its content changed, untouched when identical; bad rows are
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
