import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type CaseflowConfig, derivationFingerprint } from '../../config/index.ts';
import type { Survey } from '../../eventlog/index.ts';
import type { DirectoryKind, Store, StoredConversation, StoredVersion } from '../../store/index.ts';
import { Quarantine, type Rejection } from '../quarantine.ts';
import { InputError, listFiles, locate, readRecords, type SourceRecord } from '../records.ts';
import { compareDerived, deriveConversation, RecordError } from './derive.ts';
import { conversationSchema, directorySchema, type GenesysConversation, surveySchema } from './schema.ts';

export interface ImportOptions {
  config: CaseflowConfig;
  users?: string;
  queues?: string;
  wrapUpCodes?: string;
  surveys?: string;
  /** Extraction time stamped as LastDataUpdate; defaults to now. */
  now?: Date;
  onProgress?: (progress: ImportProgress) => void;
  /** Conversations written per transaction. */
  batchSize?: number;
}

export interface ImportProgress {
  bytesRead: number;
  bytesTotal: number;
  conversations: number;
  rejected: number;
}

export interface ImportSummary {
  files: number;
  /** Valid conversation records read (including versions older than the stored one). */
  conversations: number;
  /** Records identical to the stored version: nothing written, LastDataUpdate kept. */
  unchanged: number;
  /** Records skipped because the store already holds a newer version of the conversation. */
  olderVersions: number;
  events: number;
  cases: number;
  rejected: number;
  /** The first few rejections, for the summary; all of them are in quarantineFile. */
  firstRejections: Rejection[];
  warnings: number;
  warningDetails: Record<string, number>;
  surveys: number;
  /** Stored surveys whose conversation is not imported (yet): they get no event until it is. */
  unmatchedSurveys: number;
  quarantineFile: string | null;
}

/**
 * Imports Genesys conversation detail records from files and directories: validates, derives events,
 * quarantines what is bad, keeps the newest version of each conversation, regroups cases.
 */
export async function importGenesys(
  store: Store,
  paths: readonly string[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const { config } = options;
  const now = options.now ?? new Date();
  const quarantine = new Quarantine(store.dataDir, 'genesys', now);
  const warningDetails: Record<string, number> = {};

  const listed = await listFiles(paths);
  // Directory and survey files met while walking a folder are loaded as such (unless named by option).
  const found = {
    users: [] as string[],
    queues: [] as string[],
    wrapUpCodes: [] as string[],
    surveys: [] as string[],
  };
  const files = listed.filter(({ file }) => {
    const kind = sideFileKind(file);
    if (kind) found[kind].push(file);
    return kind === null;
  });
  const directories: [DirectoryKind, string[]][] = [
    ['users', options.users ? [options.users] : found.users],
    ['queues', options.queues ? [options.queues] : found.queues],
    ['wrapUpCodes', options.wrapUpCodes ? [options.wrapUpCodes] : found.wrapUpCodes],
  ];
  for (const [kind, list] of directories) {
    for (const file of list) await store.saveDirectory(kind, await readDirectoryFile(file));
  }
  const surveys: Survey[] = [];
  for (const file of options.surveys ? [options.surveys] : found.surveys) {
    surveys.push(...(await readSurveys(file, quarantine)));
  }
  if (surveys.length) await store.saveSurveys(surveys);

  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  const versions = await store.versions();
  const progress: ImportProgress = { bytesRead: 0, bytesTotal, conversations: 0, rejected: 0 };
  const report = () => options.onProgress?.({ ...progress, rejected: quarantine.count });
  let pending = new Map<string, StoredConversation>();
  let olderVersions = 0;
  let unchanged = 0;
  let warnings = 0;
  const batchSize = options.batchSize ?? 2000;
  const flush = async () => {
    if (pending.size === 0) return;
    await store.markRegroupPending();
    await store.saveConversations([...pending.values()]);
    pending = new Map();
    report();
  };

  for (const { file } of files) {
    for await (const source of readRecords(file, 'conversations', (n) => {
      progress.bytesRead += n;
    })) {
      const accepted = acceptConversation(source, config, quarantine, now.getTime());
      if (!accepted) continue;
      progress.conversations += 1;
      if (accepted.warnings.length) {
        warnings += 1;
        for (const w of accepted.warnings) warningDetails[w] = (warningDetails[w] ?? 0) + 1;
      }
      const id = accepted.facts.conversationId;
      const stored = versions.get(id);
      if (stored?.hash === accepted.hash) {
        unchanged += 1;
        continue;
      }
      if (stored && !isNewer(accepted, stored)) {
        olderVersions += 1;
        continue;
      }
      versions.set(id, {
        complete: accepted.complete,
        versionTime: accepted.versionTime,
        hash: accepted.hash,
      });
      pending.set(id, accepted);
      if (pending.size >= batchSize) await flush();
    }
    report();
  }
  await flush();
  const { cases, events } =
    surveys.length ||
    directories.some(([, list]) => list.length > 0) ||
    progress.conversations > unchanged + olderVersions ||
    (await store.regroupPending())
      ? await store.regroup(config)
      : await store.counts();
  // The fingerprint records the settings the stored data was derived with: only a full derivation
  // (first import, or rebuild) may set it, or older records would silently keep stale derivations.
  if ((await store.getMeta('derivation')) === undefined) {
    await store.setMeta('derivation', derivationFingerprint(config));
  }
  return {
    files: files.length,
    conversations: progress.conversations,
    unchanged,
    olderVersions,
    events,
    cases,
    rejected: quarantine.count,
    firstRejections: quarantine.first,
    warnings,
    warningDetails,
    surveys: surveys.length,
    unmatchedSurveys: await store.unmatchedSurveys(),
    quarantineFile: quarantine.count ? quarantine.file : null,
  };
}

const SIDE_FILES: [RegExp, 'users' | 'queues' | 'wrapUpCodes' | 'surveys'][] = [
  [/^users\.json(\.gz)?$/i, 'users'],
  [/^queues\.json(\.gz)?$/i, 'queues'],
  [/^wrap-?up-?codes\.json(\.gz)?$/i, 'wrapUpCodes'],
  [/^surveys\.(nd)?jsonl?(\.gz)?$/i, 'surveys'],
];

function sideFileKind(file: string): 'users' | 'queues' | 'wrapUpCodes' | 'surveys' | null {
  const name = path.basename(file);
  return SIDE_FILES.find(([pattern]) => pattern.test(name))?.[1] ?? null;
}

/**
 * A version replaces the stored one when it has ended and the stored has not; otherwise when it mentions
 * a time as late or later (an equal time with different content: the last import wins).
 */
function isNewer(incoming: { complete: boolean; versionTime: number }, stored: StoredVersion): boolean {
  if (incoming.complete !== stored.complete) return incoming.complete;
  return incoming.versionTime >= stored.versionTime;
}

type Accepted = StoredConversation & { warnings: string[] };

function acceptConversation(
  source: SourceRecord,
  config: CaseflowConfig,
  quarantine: Quarantine,
  lastDataUpdate: number,
): Accepted | null {
  const where = { file: source.file, line: source.line, index: source.index };
  if (source.error !== undefined) {
    quarantine.reject({ ...where, reason: source.error, record: source.text });
    return null;
  }
  const conversationId = idOf(source.value);
  const parsed = conversationSchema.safeParse(source.value);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`)
      .join('; ');
    quarantine.reject({ ...where, conversationId, reason: `schema: ${reason}`, record: source.value });
    return null;
  }
  try {
    const record = JSON.stringify(source.value);
    return {
      ...storedConversation(parsed.data, config, lastDataUpdate),
      record,
      hash: createHash('sha1').update(record).digest('hex'),
      sourceFile: locate(source),
    };
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    quarantine.reject({ ...where, conversationId, reason: error.message, record: source.value });
    return null;
  }
}

/** Derives a validated record into what the store keeps (the raw text and file are the caller's). */
export function storedConversation(
  record: GenesysConversation,
  config: CaseflowConfig,
  lastDataUpdate: number,
): Accepted {
  const derivation = deriveConversation(record, config.eventlog);
  derivation.events.sort(compareDerived);
  return {
    record: '',
    hash: '',
    sourceFile: '',
    sourceSystem: config.sourceSystem,
    complete: record.conversationEnd !== undefined,
    versionTime: versionTime(record),
    lastDataUpdate,
    facts: derivation.facts,
    events: derivation.events,
    warnings: derivation.warnings,
  };
}

function idOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'conversationId' in value) {
    const id = (value as { conversationId: unknown }).conversationId;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/** The latest time a record mentions: how far the conversation had got when it was extracted. */
export function versionTime(record: GenesysConversation): number {
  let latest = Date.parse(record.conversationEnd ?? record.conversationStart);
  for (const p of record.participants) {
    for (const s of p.sessions) {
      for (const g of s.segments) {
        latest = Math.max(latest, Date.parse(g.segmentEnd ?? g.segmentStart));
      }
    }
  }
  return latest;
}

async function readJsonFile(file: string): Promise<unknown> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    throw new InputError(fileError(file, error));
  }
  const text = (buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzipSync(buffer) : buffer).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

/** A directory file in the API's list shape {"entities":[{"id","name"}]} (or a plain array of entities). */
export async function readDirectoryFile(file: string): Promise<{ id: string; name?: string }[]> {
  const value = await readJsonFile(file);
  const parsed = directorySchema.safeParse(Array.isArray(value) ? { entities: value } : value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${file}: not a directory list ({"entities":[{"id","name"}]}): ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data.entities;
}

/** A readable message for a file that cannot be opened. */
function fileError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${file}: no such file`;
  if (code === 'EISDIR') return `${file}: is a directory, a file was expected`;
  if (code === 'EACCES') return `${file}: permission denied`;
  return `${file}: ${(error as Error).message}`;
}

async function readSurveys(file: string, quarantine: Quarantine): Promise<Survey[]> {
  const info = await stat(file).catch((error: unknown) => {
    throw new InputError(fileError(file, error));
  });
  if (info.isDirectory())
    throw new InputError(fileError(file, Object.assign(new Error(), { code: 'EISDIR' })));
  const out: Survey[] = [];
  for await (const source of readRecords(file, 'surveys')) {
    const where = { file: source.file, line: source.line, index: source.index };
    if (source.error !== undefined) {
      quarantine.reject({ ...where, reason: source.error, record: source.text });
      continue;
    }
    const parsed = surveySchema.safeParse(source.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      quarantine.reject({
        ...where,
        conversationId: idOf(source.value),
        reason: `survey schema: ${issue?.path.join('.')}: ${issue?.message}`,
        record: source.value,
      });
      continue;
    }
    out.push({
      conversationId: parsed.data.conversationId,
      sentDate: Date.parse(parsed.data.sentDate),
      score: parsed.data.score ?? null,
    });
  }
  return out;
}
