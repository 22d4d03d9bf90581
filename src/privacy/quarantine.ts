import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  addressIdentifier,
  contactIdIdentifier,
  customerIdentifiers,
  identifier,
} from '../journey/identifiers.ts';

/**
 * Erasure from the quarantine files (<data-dir>/quarantine/*.ndjson, src/sources/quarantine.ts): rejected
 * input records, one JSON rejection a line — where it came from, why (`reason`), the conversation id when
 * known, and the record: an object, or the text of a line that was not JSON.
 *
 * A record is the customer's when one of the customer fields it holds has one of the customer's identifier
 * keys once normalized (src/journey/identifiers.ts: `+33 6 12…` and `tel:+33612…`, `Alice@Example.com` and
 * `alice@example.com` alike), or when it is about one of the erased conversations. The customer fields:
 * the customer and external participants of a Genesys record (their external contact ids and every
 * address of their sessions, callback numbers included), a journey event's `customer`, an imported support
 * row's contact_id and sender_id; any other string of the record of 6 characters or more is compared too,
 * whole (a copy of the phone number in an attribute). Text that is not JSON (such a record, a line, the
 * reason) is cut into tokens, each compared whole. A value never matches inside a longer one.
 */

export interface QuarantineTarget {
  /** The customer's identifier keys (`contact:…`, `phone:…`, `email:…`, `messaging:…`), clear and pseudonymized. */
  keys: readonly string[];
  /** The erased conversations. */
  conversationIds: readonly string[];
}

/** In text, shorter tokens could be anything (a line number, a count): they are not compared. */
const MIN_TOKEN_LENGTH = 6;

const CUSTOMER_PURPOSES = new Set(['customer', 'external']);
const SESSION_ADDRESSES = ['ani', 'dnis', 'addressFrom', 'addressTo', 'addressOther', 'remote'] as const;
const CONVERSATION_ID_FIELDS = ['conversationId', 'conversation_id', 'ConversationId'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const textOf = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

/** What a record names: identifier keys and conversation ids. */
interface Named {
  keys: string[];
  conversationIds: string[];
}

/** The identifier keys of a Genesys record's (or messaging conversation's) customer participants. */
function participantKeys(participants: readonly unknown[]): string[] {
  const keys: string[] = [];
  const address = (v: unknown) => {
    const found = addressIdentifier(textOf(v));
    if (found) keys.push(found.key);
  };
  for (const participant of participants) {
    if (!isObject(participant) || !CUSTOMER_PURPOSES.has(String(participant.purpose))) continue;
    const contactIds = [
      participant.externalContactId,
      isObject(participant.externalContact) ? participant.externalContact.id : undefined,
    ];
    for (const id of contactIds.map(textOf)) if (id) keys.push(identifier('externalContactId', id).key);
    for (const session of Array.isArray(participant.sessions) ? participant.sessions : []) {
      if (!isObject(session)) continue;
      for (const field of SESSION_ADDRESSES) address(session[field]);
      if (Array.isArray(session.callbackNumbers)) for (const n of session.callbackNumbers) address(n);
    }
  }
  return keys;
}

/** The customer fields and conversation ids of a record (see the module comment). */
function namesOf(record: Record<string, unknown>): Named {
  const conversationIds = CONVERSATION_ID_FIELDS.map((f) => textOf(record[f])).filter(
    (id): id is string => id !== undefined,
  );
  const keys: string[] = [];
  if (Array.isArray(record.participants)) {
    keys.push(...participantKeys(record.participants));
    // A messaging conversation of the Conversations API is named by its id.
    const id = textOf(record.id);
    if (id) conversationIds.push(id);
  }
  if (isObject(record.customer)) {
    const c = record.customer;
    const fields = {
      externalContactId: textOf(c.externalContactId),
      phone: textOf(c.phone),
      email: textOf(c.email),
      messagingAddress: textOf(c.messagingAddress),
    };
    keys.push(...customerIdentifiers(fields).map((i) => i.key));
  }
  for (const field of ['contact_id', 'sender_id']) {
    const found = contactIdIdentifier(textOf(record[field]) ?? null);
    if (found) keys.push(found.key);
  }
  return { keys, conversationIds };
}

/** The tokens of a text: its delimited fields (CSV cells, quoted strings), its words, its digit runs. */
function tokensOf(text: string): Set<string> {
  const tokens = new Set<string>();
  const add = (t: string) => {
    const token = t.trim().replace(/^['`]+|['`.,:;!?]+$/g, '');
    if (token.length >= MIN_TOKEN_LENGTH) tokens.add(token);
  };
  for (const field of text.split(/[,;\t|"]/)) add(field);
  for (const word of text.split(/[\s,;|"<>()[\]{}=]+/)) add(word);
  for (const run of text.match(/\+?\d[\d\s().-]*\d/g) ?? []) add(run);
  return tokens;
}

/** The strings of a JSON value, at any depth. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}

class Matcher {
  private readonly keys: ReadonlySet<string>;
  private readonly conversationIds: ReadonlySet<string>;

  constructor(target: QuarantineTarget) {
    this.keys = new Set(target.keys);
    this.conversationIds = new Set(target.conversationIds);
  }

  get empty(): boolean {
    return this.keys.size === 0 && this.conversationIds.size === 0;
  }

  private names(named: Named): boolean {
    return (
      named.keys.some((k) => this.keys.has(k)) ||
      named.conversationIds.some((id) => this.conversationIds.has(id))
    );
  }

  /** A whole value: one of the conversations, or one of the customer's identifiers once normalized. */
  private value(value: string): boolean {
    const v = value.trim();
    if (this.conversationIds.has(v) || this.keys.has(v) || this.keys.has(`contact:${v}`)) return true;
    const keys = [addressIdentifier(v)?.key, contactIdIdentifier(v)?.key];
    return keys.some((k) => k !== undefined && this.keys.has(k));
  }

  private text(text: string): boolean {
    for (const token of tokensOf(text)) if (this.value(token)) return true;
    return false;
  }

  /**
   * A rejected record: text, or its customer fields and, as pseudonymization reads a record (genesys.ts),
   * any other string of it that is one of the identifiers once normalized (a copy in an attribute).
   */
  private record(record: unknown): boolean {
    if (typeof record === 'string') return this.text(record);
    if (Array.isArray(record)) return record.some((item) => this.record(item));
    if (!isObject(record)) return false;
    if (this.names(namesOf(record))) return true;
    return stringsOf(record).some((v) => v.trim().length >= MIN_TOKEN_LENGTH && this.value(v));
  }

  /** A quarantine line: a rejection as JSON (the reason may quote the value it refused), else text. */
  line(line: string): boolean {
    if (line.trim() === '') return false;
    let rejection: unknown;
    try {
      rejection = JSON.parse(line);
    } catch {
      return this.text(line);
    }
    if (!isObject(rejection)) return this.text(line);
    const { record, reason, ...where } = rejection;
    return (
      this.names(namesOf(where)) || this.record(record) || (typeof reason === 'string' && this.text(reason))
    );
  }
}

/**
 * Removes from the quarantine files the records of the customer or of its conversations (see the module
 * comment). Returns the records removed and the files changed.
 */
export async function eraseFromQuarantine(
  dataDir: string,
  target: QuarantineTarget,
): Promise<{ records: number; files: number }> {
  const out = { records: 0, files: 0 };
  const matcher = new Matcher(target);
  if (matcher.empty) return out;
  const dir = path.join(dataDir, 'quarantine');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.ndjson'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw error;
  }
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const kept = lines.filter((line) => !matcher.line(line));
    if (kept.length === lines.length) continue;
    out.records += lines.length - kept.length;
    out.files += 1;
    // Replaced whole: a reader never sees half a file.
    await writeFile(`${file}.tmp`, kept.join('\n'));
    await rename(`${file}.tmp`, file);
  }
  return out;
}
