import { InputError } from '../records.ts';
import type { ImportedEvent, ReadBatch } from './model.ts';
import { formatTimestamp, parseTimestamp } from './time.ts';

// ---------------------------------------------------------------------------------------------
// RFC 4180 parsing, incremental
// ---------------------------------------------------------------------------------------------

/** One record of a CSV file: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record is malformed (an unterminated quoted field at the end of the file). */
  error?: string;
}

/** Line breaks (CRLF, LF or CR) in text[from, to). */
function newlinesBetween(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 10) n += 1;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n += 1;
  }
  return n;
}

/**
 * RFC 4180 CSV, fed in chunks: fields quoted with `"` may hold the delimiter, newlines and `""`
 * (a quote). Records end with CRLF, LF or CR; blank lines are skipped. Lenient where the RFC is strict:
 * a quote inside an unquoted field is kept as is, text after a closing quote is appended to the field.
 */
export class CsvParser {
  private buffer = '';
  /** Line on which the text at the start of the buffer is. */
  private line = 1;
  private readonly stop: RegExp;

  constructor(readonly delimiter: string) {
    this.stop = new RegExp(`[${escapeClass(delimiter)}\\r\\n]`, 'g');
  }

  /** The records completed by this chunk. */
  push(chunk: string): CsvRecord[] {
    this.buffer += chunk;
    return this.parse(false);
  }

  /** The last record, if the file does not end with a newline. */
  end(): CsvRecord[] {
    return this.parse(true);
  }

  private parse(final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    const buf = this.buffer;
    const delimiter = this.delimiter;
    let pos = 0;
    while (pos < buf.length) {
      const start = pos;
      const fields: string[] = [];
      let p = pos;
      let complete = false;
      let error: string | undefined;
      for (;;) {
        // One field starting at p.
        let value = '';
        if (buf[p] === '"') {
          let q = p + 1;
          let closed = false;
          for (;;) {
            const next = buf.indexOf('"', q);
            if (next < 0) break;
            value += buf.slice(q, next);
            if (buf[next + 1] === '"') {
              value += '"';
              q = next + 2;
              continue;
            }
            if (next + 1 >= buf.length && !final) break; // a "" may be split across chunks
            q = next + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (!final) break;
            value += buf.slice(q);
            error = `unterminated quoted field (the quote opened on line ${this.line + newlinesBetween(buf, start, p)})`;
            fields.push(value);
            p = buf.length;
            complete = true;
            break;
          }
          p = q;
          if (p < buf.length && buf[p] !== delimiter && buf[p] !== '\n' && buf[p] !== '\r') {
            // Text after the closing quote: kept as part of the field.
            this.stop.lastIndex = p;
            const m = this.stop.exec(buf);
            if (!m && !final) break;
            const endAt = m ? m.index : buf.length;
            value += buf.slice(p, endAt);
            p = endAt;
          }
        } else {
          this.stop.lastIndex = p;
          const m = this.stop.exec(buf);
          if (!m && !final) break;
          const endAt = m ? m.index : buf.length;
          value = buf.slice(p, endAt);
          p = endAt;
        }
        fields.push(value);
        if (p >= buf.length) {
          if (!final) break;
          complete = true;
          break;
        }
        const c = buf[p];
        if (c === delimiter) {
          p += 1;
          if (p >= buf.length && !final) break;
          continue;
        }
        if (c === '\r') {
          if (p + 1 >= buf.length && !final) break; // the \n of a CRLF may come in the next chunk
          p += buf[p + 1] === '\n' ? 2 : 1;
        } else p += 1;
        complete = true;
        break;
      }
      if (!complete) break;
      const blank =
        fields.length === 1 && fields[0]?.trim() === '' && !buf.slice(start, p).trimStart().startsWith('"');
      if (!blank) out.push(error ? { line: this.line, fields, error } : { line: this.line, fields });
      this.line += newlinesBetween(buf, start, p);
      pos = p;
    }
    this.buffer = buf.slice(pos);
    return out;
  }
}

function escapeClass(ch: string): string {
  return ch.replace(/[\\\]^-]/g, '\\$&');
}

const DELIMITERS = [',', ';', '\t', '|'];

/** The delimiter of a header line: the most frequent of , ; tab | outside quotes (comma on a tie or none). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && DELIMITERS.includes(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = counts.get(d) ?? 0;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** A delimiter option: one character; `tab` and `\t` spelled out are a tab. */
export function delimiterOption(value: string): string {
  const d = value === 'tab' || value === '\\t' ? '\t' : value;
  if (d.length !== 1 || d === '"' || d === '\r' || d === '\n') {
    throw new InputError(`delimiter must be one character other than a quote or a newline, not '${value}'`);
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Column mapping
// ---------------------------------------------------------------------------------------------

export type Role = 'case' | 'activity' | 'timestamp' | 'endTimestamp' | 'resource';
const ROLES: Role[] = ['case', 'activity', 'timestamp', 'endTimestamp', 'resource'];

/** Option names, as the CLI spells them, for messages. */
const FLAGS: Record<Role, string> = {
  case: '--case',
  activity: '--activity',
  timestamp: '--timestamp',
  endTimestamp: '--end-timestamp',
  resource: '--resource',
};

const LABELS: Record<Role, string> = {
  case: 'case',
  activity: 'activity',
  timestamp: 'timestamp',
  endTimestamp: 'end timestamp',
  resource: 'resource',
};

/** Column names recognised when a role is not mapped, in order of preference (compared loosely). */
const CANDIDATES: Record<Role, string[]> = {
  case: ['case', 'case_id', 'case:concept:name', 'CaseID', 'ServiceRequest', 'case_identifier'],
  activity: ['activity', 'concept:name', 'ActivityName', 'activity_name', 'event_name'],
  timestamp: ['start_timestamp', 'start_time', 'timestamp', 'time:timestamp', 'EventTime', 'event_time'],
  endTimestamp: ['complete_timestamp', 'end_timestamp', 'end_time', 'EventEndTime', 'completion_time'],
  resource: ['resource', 'org:resource', 'AgentName', 'user'],
};

/** Names compared without case, spaces and punctuation: "Case ID", "case_id" and "CaseID" are alike. */
const loose = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

export type ColumnMapping = Partial<Record<Role, string>>;

/** Index of each mapped role in the header. */
export type ColumnIndexes = {
  [R in Role]: R extends 'case' | 'activity' | 'timestamp' ? number : number | null;
};

/**
 * Maps roles to header columns: a named column must exist (exactly, or differing only in case);
 * otherwise the usual names are tried. Case, activity and timestamp are required.
 */
export function mapColumns(header: readonly string[], options: ColumnMapping): ColumnIndexes {
  const listing = header.map((h) => JSON.stringify(h)).join(', ');
  const found: Partial<Record<Role, number>> = {};
  for (const role of ROLES) {
    const named = options[role];
    if (named === undefined || named === '') continue;
    let index = header.indexOf(named);
    if (index < 0) {
      const matches = header.flatMap((h, i) => (h.toLowerCase() === named.toLowerCase() ? [i] : []));
      if (matches.length === 1) index = matches[0] ?? -1;
    }
    if (index < 0) {
      throw new InputError(
        `${FLAGS[role]} ${named}: no such column; the header has ${header.length} columns: ${listing}`,
      );
    }
    found[role] = index;
  }
  const looseHeader = header.map(loose);
  const guess = (role: Role, exclude: readonly number[]): number | undefined => {
    for (const candidate of CANDIDATES[role]) {
      const exact = header.findIndex((h, i) => h === candidate && !exclude.includes(i));
      if (exact >= 0) return exact;
      const i = looseHeader.findIndex((h, j) => h === loose(candidate) && !exclude.includes(j));
      if (i >= 0) return i;
    }
    return undefined;
  };
  const taken = (): number[] => Object.values(found);
  for (const role of ['case', 'activity', 'timestamp', 'endTimestamp', 'resource'] as const) {
    if (found[role] !== undefined) continue;
    const index = guess(role, taken());
    if (index !== undefined) found[role] = index;
  }
  // PM4Py's interval logs: start_timestamp is the start and time:timestamp the completion.
  if (
    options.endTimestamp === undefined &&
    found.endTimestamp === undefined &&
    found.timestamp !== undefined
  ) {
    const start = loose(header[found.timestamp] ?? '');
    if (start === 'starttimestamp' || start === 'starttime') {
      const complete = looseHeader.findIndex((h, i) => h === 'timetimestamp' && !taken().includes(i));
      if (complete >= 0) found.endTimestamp = complete;
    }
  }
  for (const role of ['case', 'activity', 'timestamp'] as const) {
    if (found[role] === undefined) {
      throw new InputError(
        `no ${LABELS[role]} column found (tried ${CANDIDATES[role].join(', ')}); name it with ${FLAGS[role]} COLUMN. ` +
          `The header has ${header.length} columns: ${listing}`,
      );
    }
  }
  return {
    case: found.case ?? 0,
    activity: found.activity ?? 0,
    timestamp: found.timestamp ?? 0,
    endTimestamp: found.endTimestamp ?? null,
    resource: found.resource ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading events
// ---------------------------------------------------------------------------------------------

export interface CsvReadOptions extends ColumnMapping {
  delimiter?: string;
}

/** What the CSV reader found out about the file before its rows. */
export interface CsvLayout {
  delimiter: string;
  header: string[];
  columns: Record<string, string>;
}

/**
 * Reads an event log in CSV: a header row, then one event per row. Rows without a case or an
 * activity, with a time that is not one, or ending before they start are rejected with their line
 * and column; the other columns are kept as attributes (empty cells left out).
 */
export async function* readCsvEvents(
  file: string,
  chunks: AsyncIterable<string>,
  options: CsvReadOptions,
  onLayout: (layout: CsvLayout) => void,
): AsyncGenerator<ReadBatch> {
  let parser: CsvParser | null = null;
  let pending = '';
  let header: string[] | null = null;
  let context: RowContext | null = null;
  let seq = 0;

  const convert = (records: CsvRecord[]): ReadBatch => {
    const batch: ReadBatch = { events: [], rejections: [] };
    for (const record of records) {
      if (header === null) {
        header = record.fields.map((h, i) => h.trim() || `column ${i + 1}`);
        const idx = mapColumns(header, options);
        context = rowContext(header, idx);
        const columns: Record<string, string> = {};
        for (const role of ROLES) {
          const i = idx[role];
          if (i !== null) columns[role] = header[i] ?? '';
        }
        onLayout({ delimiter: parser?.delimiter ?? ',', header, columns });
        continue;
      }
      seq += 1;
      const result = rowEvent(record, context as RowContext, seq);
      if ('reason' in result) batch.rejections.push({ file, line: record.line, ...result });
      else batch.events.push(result);
    }
    return batch;
  };

  for await (const chunk of chunks) {
    if (parser === null) {
      pending += chunk;
      const newline = pending.search(/[\r\n]/);
      if (newline < 0) continue;
      parser = new CsvParser(
        options.delimiter !== undefined
          ? delimiterOption(options.delimiter)
          : detectDelimiter(pending.slice(0, newline)),
      );
      const text = pending;
      pending = '';
      yield convert(parser.push(text));
      continue;
    }
    yield convert(parser.push(chunk));
  }
  if (parser === null) {
    if (pending.trim() === '') throw new InputError(`${file}: the file is empty: a header row was expected`);
    parser = new CsvParser(
      options.delimiter !== undefined ? delimiterOption(options.delimiter) : detectDelimiter(pending),
    );
    yield convert(parser.push(pending));
  }
  yield convert(parser.end());
  if (header === null) throw new InputError(`${file}: the file is empty: a header row was expected`);
}

/** Header names made unique for the attributes object ("x", "x (2)"). */
function uniqueNames(header: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((h) => {
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    return n === 1 ? h : `${h} (${n})`;
  });
}

type RowResult = ImportedEvent | { reason: string; record: Record<string, string> };

/** What every row is read with: the header, attribute names, mapped columns. */
interface RowContext {
  header: readonly string[];
  names: readonly string[];
  idx: ColumnIndexes;
  mapped: ReadonlySet<number>;
}

function rowContext(header: readonly string[], idx: ColumnIndexes): RowContext {
  const mapped = new Set<number>();
  for (const i of [idx.case, idx.activity, idx.timestamp, idx.endTimestamp, idx.resource]) {
    if (i !== null) mapped.add(i);
  }
  return { header, names: uniqueNames(header), idx, mapped };
}

const describe = (header: readonly string[], role: Role, i: number): string =>
  `column ${JSON.stringify(header[i])} (${LABELS[role]})`;

function rejectRow(fields: readonly string[], names: readonly string[], reason: string): RowResult {
  return { reason, record: Object.fromEntries(fields.map((v, i) => [names[i] ?? `column ${i + 1}`, v])) };
}

function rowEvent(record: CsvRecord, context: RowContext, seq: number): RowResult {
  const { header, names, idx, mapped } = context;
  const { fields } = record;
  if (record.error) return rejectRow(fields, names, record.error);
  if (fields.length !== header.length) {
    return rejectRow(fields, names, `${fields.length} fields where the header has ${header.length}`);
  }
  const caseId = fields[idx.case] ?? '';
  if (caseId.trim() === '') return rejectRow(fields, names, `${describe(header, 'case', idx.case)} is empty`);
  const activity = fields[idx.activity] ?? '';
  if (activity.trim() === '')
    return rejectRow(fields, names, `${describe(header, 'activity', idx.activity)} is empty`);
  const tsText = fields[idx.timestamp] ?? '';
  if (tsText.trim() === '')
    return rejectRow(fields, names, `${describe(header, 'timestamp', idx.timestamp)} is empty`);
  const ts = parseTimestamp(tsText);
  if (ts === null)
    return rejectRow(
      fields,
      names,
      `${describe(header, 'timestamp', idx.timestamp)}: not a time: ${JSON.stringify(tsText)}`,
    );
  let end: number | null = null;
  if (idx.endTimestamp !== null) {
    const endText = fields[idx.endTimestamp] ?? '';
    if (endText.trim() !== '') {
      end = parseTimestamp(endText);
      if (end === null) {
        return rejectRow(
          fields,
          names,
          `${describe(header, 'endTimestamp', idx.endTimestamp)}: not a time: ${JSON.stringify(endText)}`,
        );
      }
      if (end < ts) {
        return rejectRow(
          fields,
          names,
          `${describe(header, 'endTimestamp', idx.endTimestamp)}: ${formatTimestamp(end)} is before the start ${formatTimestamp(ts)}`,
        );
      }
    }
  }
  const resourceText = idx.resource === null ? '' : (fields[idx.resource] ?? '');
  let attributes: Record<string, unknown> | null = null;
  for (let i = 0; i < fields.length; i += 1) {
    const value = fields[i];
    if (value === undefined || value === '' || mapped.has(i)) continue;
    attributes ??= {};
    attributes[names[i] ?? `column ${i + 1}`] = value;
  }
  return {
    caseId,
    activity,
    ts,
    end,
    resource: resourceText === '' ? null : resourceText,
    seq,
    attributes,
  };
}
