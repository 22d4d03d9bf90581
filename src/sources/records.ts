import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { jsonErrorOffset, lineAndColumn } from './json-error-position.ts';

/** One record read from a file, with where it was found; `error` when it could not be parsed. */
export interface SourceRecord {
  file: string;
  /** 1-based line of an NDJSON file. */
  line?: number;
  /** 0-based position in a JSON array or in a page's list. */
  index?: number;
  value?: unknown;
  error?: string;
  text?: string;
}

export class InputError extends Error {
  override name = 'InputError';
}

const DATA_FILE = /\.(json|ndjson|jsonl)(\.gz)?$|\.gz$/i;

/** Files under the given paths (directories walked recursively, sorted), with their sizes. */
export async function listFiles(paths: readonly string[]): Promise<{ file: string; size: number }[]> {
  const out: { file: string; size: number }[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => null);
    if (!info) throw new InputError(`${p}: no such file or directory`);
    if (info.isDirectory()) {
      const entries = (await readdir(p, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile() && DATA_FILE.test(e.name))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
      for (const file of entries) out.push({ file, size: (await stat(file)).size });
    } else {
      out.push({ file: p, size: info.size });
    }
  }
  return out;
}

/**
 * Reads the records of a JSON or NDJSON file, gzip-compressed or not. A JSON value that is an array,
 * or an object with a `listKey` array (an API page such as {"conversations":[…],"cursor":…}), yields
 * its items; any other object is one record. Never throws for bad content: it yields `error` records.
 */
export async function* readRecords(
  file: string,
  listKey: string,
  onBytes: (n: number) => void = () => {},
): AsyncGenerator<SourceRecord> {
  const lines = createInterface({
    input: await openText(file, onBytes),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNo = 0;
  let mode: 'undecided' | 'ndjson' | 'document' = 'undecided';
  const buffered: string[] = [];
  for await (const raw of lines) {
    lineNo += 1;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (mode === 'document') {
      buffered.push(line);
      continue;
    }
    if (mode === 'undecided') {
      if (line.trim() === '') {
        buffered.push(line);
        continue;
      }
      if (parse(line).ok) mode = 'ndjson';
      else {
        mode = 'document';
        buffered.push(line);
        continue;
      }
    }
    if (line.trim() === '') continue;
    const parsed = parse(line);
    if (!parsed.ok) {
      yield { file, line: lineNo, error: `not valid JSON: ${parsed.error}`, text: line.slice(0, 10_000) };
      continue;
    }
    for (const item of expand(parsed.value, listKey)) yield { file, line: lineNo, ...item };
  }
  if (mode !== 'document') return;
  const text = buffered.join('\n');
  const whole = parse(text);
  if (whole.ok) {
    for (const item of expand(whole.value, listKey)) yield { file, ...item };
    return;
  }
  // Not one JSON document. NDJSON whose first line is broken still has lines that are whole objects:
  // then each line is read on its own; otherwise the document is one rejection, placed by line and column.
  const perLine = buffered.map((l) => (l.trim() === '' ? null : parse(l)));
  if (perLine.some((p) => p?.ok && isObject(p.value))) {
    for (const [i, p] of perLine.entries()) {
      if (p === null) continue;
      if (p.ok) for (const item of expand(p.value, listKey)) yield { file, line: i + 1, ...item };
      else
        yield { file, line: i + 1, error: `not valid JSON: ${p.error}`, text: buffered[i]?.slice(0, 10_000) };
    }
    return;
  }
  const offset = jsonErrorOffset(text);
  const at = offset === null ? null : lineAndColumn(text, offset);
  yield {
    file,
    ...(at ? { line: at.line } : {}),
    error: `not valid JSON${at ? ` at line ${at.line}, column ${at.column}` : ''}: ${whole.error}`,
  };
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of an API page that holds no list this time (an empty query response, a job's last page). */
const PAGE_KEYS = ['cursor', 'totalHits', 'dataAvailabilityDate'];

function expand(value: unknown, listKey: string): { index?: number; value: unknown }[] {
  if (Array.isArray(value)) return value.map((v, index) => ({ index, value: v }));
  if (value && typeof value === 'object') {
    const page = value as Record<string, unknown>;
    const list = page[listKey];
    if (Array.isArray(list)) return list.map((v, index) => ({ index, value: v }));
    if (list === undefined && PAGE_KEYS.some((k) => k in page) && !('conversationId' in page)) return [];
  }
  return [{ value }];
}

function parse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

async function openText(file: string, onBytes: (n: number) => void): Promise<NodeJS.ReadableStream> {
  const gzipped = await isGzip(file);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  const raw = createReadStream(file).pipe(counter);
  const stream = gzipped ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding('utf8');
  return stream;
}

async function isGzip(file: string): Promise<boolean> {
  const stream = createReadStream(file, { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** Where a record was found, for error messages: "file:line", "file[index]" or "file:line[index]". */
export function locate(r: Pick<SourceRecord, 'file' | 'line' | 'index'>): string {
  return `${r.file}${r.line !== undefined ? `:${r.line}` : ''}${r.index !== undefined ? `[${r.index}]` : ''}`;
}
