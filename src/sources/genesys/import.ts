import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { CaseflowConfig } from '../../config/index.ts';
import type { Survey } from '../../eventlog/index.ts';
import type { DirectoryKind, Store, StoredConversation } from '../../store/index.ts';
import { Quarantine } from '../quarantine.ts';
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
  /** Records skipped because the store already holds a newer version of the conversation. */
  olderVersions: number;
  events: number;
  cases: number;
  rejected: number;
  warnings: number;
  warningDetails: Record<string, number>;
  surveys: number;
  quarantineFile: string | null;
}

/** Derivation settings that, when changed, require `caseflow rebuild` to re-derive stored records. */
export function derivationFingerprint(config: CaseflowConfig): string {
  return JSON.stringify(config.eventlog);
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

  const directories: [DirectoryKind, string | undefined][] = [
    ['users', options.users],
    ['queues', options.queues],
    ['wrapUpCodes', options.wrapUpCodes],
  ];
  for (const [kind, file] of directories) {
    if (file) await store.saveDirectory(kind, await readDirectoryFile(file));
  }
  const surveys = options.surveys ? await readSurveys(options.surveys, quarantine) : [];
  if (surveys.length) await store.saveSurveys(surveys);

  const files = await listFiles(paths);
  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  const versions = await store.versions();
  const progress: ImportProgress = { bytesRead: 0, bytesTotal, conversations: 0, rejected: 0 };
  const report = () => options.onProgress?.({ ...progress, rejected: quarantine.count });
  let pending = new Map<string, StoredConversation>();
  let olderVersions = 0;
  let warnings = 0;
  const batchSize = options.batchSize ?? 2000;
  const flush = async () => {
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
      if (stored && !isNewer(accepted, stored)) {
        olderVersions += 1;
        continue;
      }
      versions.set(id, { complete: accepted.complete, versionTime: accepted.versionTime });
      pending.set(id, accepted);
      if (pending.size >= batchSize) await flush();
    }
    report();
  }
  await flush();
  const { cases, events } = await store.regroup(config);
  await store.setMeta('derivation', derivationFingerprint(config));
  return {
    files: files.length,
    conversations: progress.conversations,
    olderVersions,
    events,
    cases,
    rejected: quarantine.count,
    warnings,
    warningDetails,
    surveys: surveys.length,
    quarantineFile: quarantine.count ? quarantine.file : null,
  };
}

/** A version replaces the stored one when it is complete and the stored is not, or is as recent or more. */
function isNewer(
  incoming: { complete: boolean; versionTime: number },
  stored: { complete: boolean; versionTime: number },
): boolean {
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
    return {
      ...storedConversation(parsed.data, config, lastDataUpdate),
      record: JSON.stringify(source.value),
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
  } catch {
    throw new InputError(`${file}: no such file`);
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

async function readSurveys(file: string, quarantine: Quarantine): Promise<Survey[]> {
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
