import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import { openStore } from '../src/store/index.ts';
import { EXTRACTED_AT, scenarioFiles, tempDir } from './support.ts';

const conversations: unknown[] = scenarioFiles()
  .filter((f) => !f.endsWith('k-active.json'))
  .flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).conversations);

async function eventLogOf(paths: string[]) {
  const store = await openStore(tempDir());
  try {
    const summary = await importGenesys(store, paths, { config: parseConfig({}), now: EXTRACTED_AT });
    return { summary, rows: await store.readEventLog() };
  } finally {
    store.close();
  }
}

describe('accepted input shapes', () => {
  const dir = tempDir();
  const write = (name: string, content: string | Buffer): string => {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  };
  const ndjson = `${conversations.map((c) => JSON.stringify(c)).join('\n')}\n`;
  const shapes: Record<string, string[]> = {
    'details query response': [
      write('query.json', JSON.stringify({ conversations, totalHits: conversations.length })),
    ],
    'details-job results pages with cursor': [
      write('job-1.json', JSON.stringify({ conversations: conversations.slice(0, 5), cursor: 'abc' })),
      write('job-2.json', JSON.stringify({ conversations: conversations.slice(5) })),
    ],
    'JSON array, pretty-printed': [write('array.json', JSON.stringify(conversations, null, 2))],
    NDJSON: [write('lines.ndjson', ndjson)],
    'NDJSON with CRLF and blank lines': [write('crlf.jsonl', `\r\n${ndjson.replaceAll('\n', '\r\n\r\n')}`)],
    'gzip of NDJSON': [write('lines.ndjson.gz', gzipSync(ndjson))],
    'gzip of a query response': [write('query.json.gz', gzipSync(JSON.stringify({ conversations })))],
    'a directory, recursively': [
      (() => {
        write('tree/a/one.json', JSON.stringify({ conversations: conversations.slice(0, 3) }));
        write(
          'tree/b/c/two.ndjson',
          conversations
            .slice(3)
            .map((c) => JSON.stringify(c))
            .join('\n'),
        );
        write('tree/notes.txt', 'not data: ignored');
        return path.join(dir, 'tree');
      })(),
    ],
  };

  it('every shape gives the same event log', async () => {
    const reference = await eventLogOf(shapes['details query response'] ?? []);
    expect(reference.summary.conversations).toBe(conversations.length);
    expect(reference.rows.length).toBeGreaterThan(100);
    for (const [name, paths] of Object.entries(shapes)) {
      const { summary, rows } = await eventLogOf(paths);
      expect(summary.rejected, name).toBe(0);
      expect(summary.conversations, name).toBe(conversations.length);
      expect(rows, name).toEqual(reference.rows);
    }
  });

  it('a broken JSON document is one rejection that names the file', async () => {
    const file = write('broken.json', '{"conversations": [\n  {"conversationId": "x",\n');
    const store = await openStore(tempDir());
    const summary = await importGenesys(store, [file], { config: parseConfig({}), now: EXTRACTED_AT });
    store.close();
    expect(summary.rejected).toBe(1);
    const entry = JSON.parse(readFileSync(summary.quarantineFile ?? '', 'utf8'));
    expect(entry.file).toBe(file);
    expect(entry.reason).toMatch(/not valid JSON/);
  });
});
