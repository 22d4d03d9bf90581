import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { constants, gunzipSync } from 'node:zlib';
import { CsvParser, delimiterOption, detectDelimiter } from '../eventlog/csv.ts';
import { openInput } from '../eventlog/input.ts';
import { InputError, readRecords } from '../records.ts';

export const INPUT_FORMATS = ['csv', 'json'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** One row of the input: its column names and values, and where it is; or why it could not be read. */
export interface InputRow {
  file: string;
  /** 1-based line (CSV; NDJSON). */
  line?: number;
  /** 0-based position in a JSON array. */
  index?: number;
  columns?: readonly string[];
  values?: readonly unknown[];
  /** The row could not be read (malformed CSV record, a line that is not JSON, not an object). */
  error?: string;
  /** The text or value of a row that could not be read. */
  raw?: unknown;
}

/** What the reader learnt before the rows: the format, and for CSV the delimiter and header. */
export interface InputLayout {
  format: InputFormat;
  delimiter?: string;
  header?: string[];
}

/**
 * A CSV cell as written before a spreadsheet neutralized it: Caseflow's CSV files (reports/csv.ts), like
 * spreadsheets, put an apostrophe before a text starting with = + - @ (or a tab / carriage return) so that
 * it is not run as a formula; reading such a file back drops that one apostrophe.
 */
export const unneutralized = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/** The format of a file: by its extension (.csv/.tsv/.txt, .json/.ndjson/.jsonl, .gz of any), else by its first character. */
export async function detectFormat(file: string): Promise<InputFormat> {
  if (/\.(csv|tsv|txt)(\.gz)?$/i.test(file)) return 'csv';
  if (/\.(json|ndjson|jsonl)(\.gz)?$/i.test(file)) return 'json';
  const info = await stat(file).catch(() => null);
  if (!info) throw new InputError(`${file}: no such file`);
  if (info.isDirectory()) throw new InputError(`${file}: is a directory, a file was expected`);
  const head: Buffer[] = [];
  for await (const chunk of createReadStream(file, { start: 0, end: 16_383 })) head.push(chunk as Buffer);
  let bytes = Buffer.concat(head);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      throw new InputError(`${file}: not a valid gzip file`);
    }
  }
  const first = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

/**
 * Reads the rows of a CSV file (a header row, then one row per record; delimiter detected among , ; tab |
 * unless given) or a JSON file (an array of objects, an object with a `listKey` array, or NDJSON), gzip
 * or not. Never throws for a bad row: it yields a row with `error`. Throws InputError when the file
 * cannot be read at all.
 */
export async function* readInputRows(
  file: string,
  options: {
    format: InputFormat;
    listKey: string;
    delimiter?: string;
    onLayout: (layout: InputLayout) => void;
    onProgress?: (bytesRead: number, bytesTotal: number) => void;
  },
): AsyncGenerator<InputRow[]> {
  if (options.format === 'json') {
    const info = await stat(file).catch(() => null);
    if (!info) throw new InputError(`${file}: no such file`);
    if (info.isDirectory()) throw new InputError(`${file}: is a directory, a file was expected`);
    options.onLayout({ format: 'json' });
    let read = 0;
    let batch: InputRow[] = [];
    for await (const record of readRecords(file, options.listKey, (n) => {
      read += n;
      options.onProgress?.(read, info.size);
    })) {
      const where = {
        file,
        ...(record.line !== undefined ? { line: record.line } : {}),
        ...(record.index !== undefined ? { index: record.index } : {}),
      };
      if (record.error !== undefined) batch.push({ ...where, error: record.error, raw: record.text });
      else if (!record.value || typeof record.value !== 'object' || Array.isArray(record.value)) {
        batch.push({ ...where, error: 'not a JSON object', raw: record.value });
      } else {
        const object = record.value as Record<string, unknown>;
        batch.push({ ...where, columns: Object.keys(object), values: Object.values(object) });
      }
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    yield batch;
    return;
  }

  const input = await openInput(file, (read, total) => options.onProgress?.(read, total));
  let parser: CsvParser | null = null;
  let pending = '';
  let header: string[] | null = null;
  const convert = (records: ReturnType<CsvParser['push']>): InputRow[] => {
    const rows: InputRow[] = [];
    for (const record of records) {
      if (header === null) {
        header = record.fields.map((h, i) => h.trim() || `column ${i + 1}`);
        options.onLayout({ format: 'csv', delimiter: parser?.delimiter ?? ',', header });
        continue;
      }
      if (record.error) rows.push({ file, line: record.line, error: record.error, raw: record.fields });
      else if (record.fields.length !== header.length) {
        rows.push({
          file,
          line: record.line,
          error: `${record.fields.length} fields where the header has ${header.length}`,
          raw: record.fields,
        });
      } else
        rows.push({ file, line: record.line, columns: header, values: record.fields.map(unneutralized) });
    }
    return rows;
  };
  const makeParser = (text: string): CsvParser =>
    new CsvParser(
      options.delimiter !== undefined ? delimiterOption(options.delimiter) : detectDelimiter(text),
    );
  for await (const chunk of input.chunks) {
    if (parser === null) {
      pending += chunk;
      const newline = pending.search(/[\r\n]/);
      if (newline < 0) continue;
      parser = makeParser(pending.slice(0, newline));
      const text = pending;
      pending = '';
      yield convert(parser.push(text));
      continue;
    }
    yield convert(parser.push(chunk));
  }
  if (parser === null) {
    if (pending.trim() === '') throw new InputError(`${file}: the file is empty: a header row was expected`);
    parser = makeParser(pending);
    yield convert(parser.push(pending));
  }
  yield convert(parser.end());
  if (header === null) throw new InputError(`${file}: the file is empty: a header row was expected`);
}
