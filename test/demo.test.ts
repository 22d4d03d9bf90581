import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_DEFAULTS,
  type DemoFiles,
  type DemoOptions,
  demoConversations,
  type GenesysConversationRecord,
  generateDemo,
} from '../src/demo/index.ts';
import { conversationSchema, directorySchema, surveySchema } from '../src/sources/genesys/schema.ts';

// A weekday as the last day, so that evening e-mails and messages are still open at the snapshot.
const OPTIONS: DemoOptions = { conversations: 600, days: 14, seed: 7, end: '2026-10-29' };
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'caseflow-demo-'));
  dirs.push(dir);
  return dir;
}

/** sha256 of every file under dir, keyed by relative path. */
async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) await walk(rel);
      else
        out[rel] = createHash('sha256')
          .update(await readFile(path.join(dir, rel)))
          .digest('hex');
    }
  };
  await walk('');
  return out;
}

const readJson = async (file: string): Promise<unknown> => JSON.parse(await readFile(file, 'utf8'));
const readNdjson = async (file: string): Promise<unknown[]> =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

function customerKeyOf(c: GenesysConversationRecord): string | undefined {
  const p = c.participants.find((x) => x.purpose === 'customer' || x.purpose === 'external');
  const s = p?.sessions[0];
  if (p?.externalContactId !== undefined) return `contact:${p.externalContactId}`;
  return c.originatingDirection === 'outbound' ? s?.dnis : (s?.ani ?? s?.addressFrom);
}

const segmentsOf = (c: GenesysConversationRecord, purpose?: string) =>
  c.participants
    .filter((p) => purpose === undefined || p.purpose === purpose)
    .flatMap((p) => p.sessions.flatMap((s) => s.segments));

describe('demo data generator', () => {
  let first: string;
  let files: DemoFiles;
  let progress: [number, number][] = [];
  let records: GenesysConversationRecord[];

  beforeAll(async () => {
    first = await tempDir();
    progress = [];
    files = await generateDemo(first, OPTIONS, (done, total) => progress.push([done, total]));
    records = [...demoConversations(OPTIONS)];
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('exposes the documented defaults', () => {
    expect(DEMO_DEFAULTS).toEqual({ conversations: 5000, days: 60, seed: 42, end: '2026-11-01' });
  });

  it('writes byte-identical files for the same options', async () => {
    const second = await tempDir();
    await generateDemo(second, OPTIONS);
    const a = await hashTree(first);
    const b = await hashTree(second);
    expect(Object.keys(a).length).toBeGreaterThan(5);
    expect(b).toEqual(a);
  });

  it('writes different data for a different seed', async () => {
    const other = await tempDir();
    await generateDemo(other, { ...OPTIONS, seed: 8 });
    const a = await hashTree(first);
    const b = await hashTree(other);
    expect(b['users.json']).not.toEqual(a['users.json']);
    const conversationsA = Object.entries(a).filter(([k]) => k.startsWith('conversations'));
    const conversationsB = Object.entries(b).filter(([k]) => k.startsWith('conversations'));
    expect(conversationsB).not.toEqual(conversationsA);
  });

  it('lays out weekly query-response files, the last week as NDJSON, with the in-memory records', async () => {
    expect(files.conversations.length).toBeGreaterThanOrEqual(2);
    const names = files.conversations.map((f) => path.basename(f));
    for (const name of names.slice(0, -1)) expect(name).toMatch(/^conversations-\d{4}-\d{2}-\d{2}\.json$/);
    expect(names.at(-1)).toMatch(/^conversations-\d{4}-\d{2}-\d{2}\.ndjson$/);
    const fromFiles: unknown[] = [];
    for (const file of files.conversations) {
      if (file.endsWith('.ndjson')) fromFiles.push(...(await readNdjson(file)));
      else {
        const page = (await readJson(file)) as { conversations: unknown[]; totalHits: number };
        expect(page.totalHits).toBe(page.conversations.length);
        fromFiles.push(...page.conversations);
      }
    }
    expect(fromFiles).toEqual(JSON.parse(JSON.stringify(records)));
    expect(progress.at(-1)).toEqual([OPTIONS.conversations, OPTIONS.conversations]);
  });

  it('writes directories in the Genesys list shape that the conversations refer to', async () => {
    const users = directorySchema.parse(await readJson(files.users)).entities;
    const queues = directorySchema.parse(await readJson(files.queues)).entities;
    const codes = directorySchema.parse(await readJson(files.wrapUpCodes)).entities;
    expect(users.length).toBeGreaterThanOrEqual(40);
    expect(users[0]).toHaveProperty('email');
    expect(users[0]).toHaveProperty('division');
    expect(queues.map((q) => q.name)).toEqual(
      expect.arrayContaining(['Support N1 - Voix', 'Facturation - Chat', 'Escalade N2', 'Rappels']),
    );
    expect(codes.map((c) => c.name)).toEqual(expect.arrayContaining(['Escalade N2', 'Résolu - Facturation']));
    const userIds = new Set(users.map((u) => u.id));
    const queueIds = new Set(queues.map((q) => q.id));
    const codeIds = new Set(codes.map((c) => c.id));
    for (const c of records) {
      for (const p of c.participants) if (p.userId !== undefined) expect(userIds.has(p.userId)).toBe(true);
      for (const g of segmentsOf(c)) {
        if (g.queueId !== undefined) expect(queueIds.has(g.queueId)).toBe(true);
        if (g.wrapUpCode !== undefined) expect(codeIds.has(g.wrapUpCode)).toBe(true);
      }
    }
  });

  it('writes surveys for about a third of the handled conversations, CSAT 1–5 skewed high', async () => {
    const surveys = (await readNdjson(files.surveys)).map((s) => surveySchema.parse(s));
    const ids = new Set(records.map((c) => c.conversationId));
    expect(surveys.length).toBeGreaterThan(OPTIONS.conversations * 0.15);
    expect(surveys.length).toBeLessThan(OPTIONS.conversations * 0.4);
    for (const s of surveys) {
      expect(ids.has(s.conversationId)).toBe(true);
      expect(s.score).toBeGreaterThanOrEqual(1);
      expect(s.score).toBeLessThanOrEqual(5);
      expect(s.sentDate < `${OPTIONS.end}T00:00:00.000Z`).toBe(true);
    }
    const high = surveys.filter((s) => (s.score ?? 0) >= 4).length;
    expect(high / surveys.length).toBeGreaterThan(0.55);
  });

  it('generates records that parse with the importer schema and keep the Genesys invariants', () => {
    expect(records).toHaveLength(OPTIONS.conversations);
    const windowStart = Date.parse(OPTIONS.end) - OPTIONS.days * 86_400_000;
    const windowEnd = Date.parse(OPTIONS.end);
    let previous = '';
    const ids = new Set<string>();
    for (const c of records) {
      expect(() => conversationSchema.parse(c)).not.toThrow();
      ids.add(c.conversationId);
      expect(c.conversationStart >= previous).toBe(true);
      previous = c.conversationStart;
      const start = Date.parse(c.conversationStart);
      expect(start).toBeGreaterThanOrEqual(windowStart);
      expect(start).toBeLessThan(windowEnd);
      let latest = '';
      for (const p of c.participants) {
        expect(p.participantId).toBeTruthy();
        for (const s of p.sessions) {
          expect(s.sessionId).toBeTruthy();
          s.segments.forEach((g, i) => {
            expect(g.segmentStart).toMatch(ISO_MS);
            if (g.segmentEnd !== undefined) {
              expect(g.segmentEnd).toMatch(ISO_MS);
              expect(g.segmentEnd >= g.segmentStart).toBe(true);
              if (g.segmentEnd > latest) latest = g.segmentEnd;
            } else {
              expect(i).toBe(s.segments.length - 1); // only the last segment may be open
            }
            const next = s.segments[i + 1];
            if (next !== undefined) expect(next.segmentStart).toBe(g.segmentEnd);
            expect(g.segmentStart >= c.conversationStart).toBe(true);
          });
          if (p.purpose === 'agent' && c.conversationEnd !== undefined) {
            const work = s.segments.filter((g) => g.segmentType !== 'wrapup');
            expect(work.at(-1)?.disconnectType).toBeTruthy();
          }
        }
      }
      if (c.conversationEnd !== undefined) {
        expect(c.conversationEnd).toBe(latest);
        expect(Date.parse(c.conversationEnd)).toBeLessThanOrEqual(windowEnd);
      }
    }
    expect(ids.size).toBe(records.length);
  });

  it('mixes channels, transfers, abandons, repeat customers and active conversations', () => {
    const customerMedia = (c: GenesysConversationRecord) =>
      c.participants.find((p) => p.purpose === 'customer' || p.purpose === 'external')?.sessions[0]
        ?.mediaType;
    const media = new Map<string, number>();
    for (const c of records)
      media.set(customerMedia(c) ?? '?', (media.get(customerMedia(c) ?? '?') ?? 0) + 1);
    for (const m of ['voice', 'callback', 'chat', 'email', 'message'])
      expect(media.get(m)).toBeGreaterThan(0);
    expect(media.get('voice')).toBeGreaterThan(records.length * 0.4);

    const agentSegments = (c: GenesysConversationRecord) => segmentsOf(c, 'agent');
    const transferred = records.filter((c) => agentSegments(c).some((g) => g.disconnectType === 'transfer'));
    expect(transferred.length).toBeGreaterThan(records.length * 0.04);
    // blind transfer to a queue: a second acd participant; consult: a conference segment
    expect(records.some((c) => c.participants.filter((p) => p.purpose === 'acd').length > 1)).toBe(true);
    expect(records.some((c) => agentSegments(c).some((g) => g.conference === true))).toBe(true);

    const abandoned = records.filter(
      (c) =>
        segmentsOf(c, 'acd').some((g) => g.disconnectType === 'peer') &&
        !agentSegments(c).some((g) => g.segmentType === 'interact'),
    );
    expect(abandoned.length).toBeGreaterThan(0);

    const outbound = records.filter((c) => c.originatingDirection === 'outbound');
    expect(outbound.length).toBeGreaterThan(0);
    for (const c of outbound) {
      expect(c.participants.some((p) => p.purpose === 'external')).toBe(true);
      expect(agentSegments(c)[0]?.segmentType).toBe('dialing');
    }

    expect(records.some((c) => segmentsOf(c, 'ivr').some((g) => g.segmentType === 'ivr'))).toBe(true);
    expect(records.some((c) => c.participants.some((p) => p.purpose === 'workflow'))).toBe(true);
    expect(records.some((c) => agentSegments(c).some((g) => g.segmentType === 'hold'))).toBe(true);
    const wrapups = records.flatMap((c) => agentSegments(c).filter((g) => g.segmentType === 'wrapup'));
    expect(wrapups.some((g) => g.wrapUpCode === undefined && g.segmentEnd !== undefined)).toBe(true);

    const attributes = records.map(
      (c) =>
        c.participants.find((p) => p.purpose === 'customer' || p.purpose === 'external')?.attributes ?? {},
    );
    expect(attributes.filter((a) => a.serviceRequestType !== undefined).length).toBeGreaterThan(
      records.length * 0.7,
    );
    const srIds = attributes.flatMap((a) => (a.serviceRequestId === undefined ? [] : [a.serviceRequestId]));
    expect(srIds.length).toBeGreaterThan(0);
    expect(srIds.length).toBeLessThan(records.length * 0.4);
    for (const id of srIds) expect(id).toMatch(/^SR-\d{8}-\d{5}$/);

    const byCustomer = new Map<string, number>();
    for (const c of records) {
      const key = customerKeyOf(c);
      if (key !== undefined) byCustomer.set(key, (byCustomer.get(key) ?? 0) + 1);
    }
    const repeats = [...byCustomer.values()].reduce((n, v) => n + v - 1, 0);
    expect(repeats / records.length).toBeGreaterThan(0.08);
    expect(repeats / records.length).toBeLessThan(0.35);

    const active = records.filter((c) => c.conversationEnd === undefined);
    expect(active.length).toBeGreaterThan(0);
    expect(active.length).toBeLessThan(records.length * 0.05);
    for (const c of active) {
      expect(segmentsOf(c).some((g) => g.segmentEnd === undefined)).toBe(true);
    }
  });

  it('is deterministic in memory and differs by seed', () => {
    const again = [...demoConversations(OPTIONS)];
    expect(JSON.stringify(again)).toBe(JSON.stringify(records));
    const other = [...demoConversations({ ...OPTIONS, seed: OPTIONS.seed + 1 })];
    expect(other[0]?.conversationId).not.toBe(records[0]?.conversationId);
  });

  it('rejects invalid options', () => {
    expect(() => [...demoConversations({ ...OPTIONS, end: '2026-13-01' })]).toThrow(/invalid date/);
    expect(() => [...demoConversations({ ...OPTIONS, days: 0 })]).toThrow(/days/);
    expect(() => [...demoConversations({ ...OPTIONS, conversations: -1 })]).toThrow(/conversations/);
  });
});
