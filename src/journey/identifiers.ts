import { normalizeAddress } from '../eventlog/customer-key.ts';
import { addressKind } from '../privacy/pseudonymize.ts';
import { type AnalyticsDb, appendRow } from '../store/duckdb.ts';
import type { IdentifierKind } from './kinds.ts';

/**
 * Customer identifiers (README "Customer journey"). Each has a kind, a normalized value and a key
 * `<prefix>:<value>` that names it everywhere (API, identity index, DuckDB customer_identifiers, the journey
 * events' keys): `contact:<externalContactId>`, `phone:+33612345678`, `email:a@b.fr`, `messaging:<address>`.
 */
export { IDENTIFIER_KINDS, type IdentifierKind } from './kinds.ts';

export interface IdentifierValue {
  kind: IdentifierKind;
  value: string;
  key: string;
}

const PREFIX: Record<IdentifierKind, string> = {
  externalContactId: 'contact',
  phone: 'phone',
  email: 'email',
  messaging: 'messaging',
};
const KIND_OF_PREFIX = new Map(
  Object.entries(PREFIX).map(([kind, prefix]) => [prefix, kind as IdentifierKind]),
);

export function identifier(kind: IdentifierKind, value: string): IdentifierValue {
  return { kind, value, key: `${PREFIX[kind]}:${value}` };
}

/** The identifier a key names; null for a string that is not a key. */
export function parseKey(key: string): IdentifierValue | null {
  const colon = key.indexOf(':');
  if (colon <= 0 || colon === key.length - 1) return null;
  const kind = KIND_OF_PREFIX.get(key.slice(0, colon));
  return kind ? { kind, value: key.slice(colon + 1), key } : null;
}

/** The kind of a key (its prefix); keys are always built by `identifier`. */
export function kindOfKey(key: string): IdentifierKind {
  return parseKey(key)?.kind ?? 'messaging';
}

/**
 * The identifier of a customer address (ANI, DNIS, From/To address, a journey event's phone, e-mail or
 * messaging address), or null when it holds nothing. Normalized as the event log's customer key normalizes
 * it; its kind is read from the normalized value as pseudonymization reads it (src/privacy: + and digits is
 * a phone number, with an @ an e-mail address, else a messaging handle; a pseudonym keeps its kind), so
 * that clear and pseudonymized data get the same kinds.
 */
export function addressIdentifier(address: string | null | undefined): IdentifierValue | null {
  if (!address) return null;
  const normalized = normalizeAddress(address);
  return normalized ? identifier(addressKind(normalized), normalized) : null;
}

/**
 * The identifier of a support contact id (support_conversations.contact_id, support_messages.contact_id):
 * a Genesys customer key (`contact:<id>`, `address:<address>`), a phone number, an e-mail address, or
 * else the source's own contact id, taken as an external contact id.
 */
export function contactIdIdentifier(contactId: string | null): IdentifierValue | null {
  const raw = contactId?.trim();
  if (!raw) return null;
  if (raw.startsWith('contact:')) {
    const id = raw.slice('contact:'.length).trim();
    return id ? identifier('externalContactId', id) : null;
  }
  if (raw.startsWith('address:')) return addressIdentifier(raw.slice('address:'.length));
  const address = addressIdentifier(raw);
  if (address && address.kind !== 'messaging') return address;
  return identifier('externalContactId', raw);
}

/** The customer fields of a journey event, already validated (events.ts). */
export interface CustomerFields {
  externalContactId?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  messagingAddress?: string | undefined;
}

/** Problems of a journey event's customer fields: [field, message]. */
export function customerFieldProblems(customer: CustomerFields): [string, string][] {
  const problems: [string, string][] = [];
  const { externalContactId, phone, email, messagingAddress } = customer;
  if (!externalContactId?.trim() && !phone?.trim() && !email?.trim() && !messagingAddress?.trim())
    problems.push([
      'customer',
      'at least one of externalContactId, phone, email, messagingAddress is required',
    ]);
  if (phone?.trim() && addressIdentifier(phone)?.kind !== 'phone')
    problems.push(['customer.phone', `"${phone}" is not a phone number (digits, optionally after +)`]);
  if (email?.trim() && addressIdentifier(email)?.kind !== 'email')
    problems.push(['customer.email', `"${email}" is not an e-mail address`]);
  return problems;
}

/** The identifiers of a journey event's customer (fields validated by customerFieldProblems). */
export function customerIdentifiers(customer: CustomerFields): IdentifierValue[] {
  const out: IdentifierValue[] = [];
  const contact = customer.externalContactId?.trim();
  if (contact) out.push(identifier('externalContactId', contact));
  for (const address of [customer.phone, customer.email, customer.messagingAddress]) {
    const found = addressIdentifier(address);
    if (found) out.push(found);
  }
  return dedupe(out);
}

export function dedupe(identifiers: readonly IdentifierValue[]): IdentifierValue[] {
  const byKey = new Map(identifiers.map((i) => [i.key, i]));
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Genesys conversation records
// ---------------------------------------------------------------------------------------------

/** The fields of a customer (or external) participant that identify the customer. */
export interface RecordParticipant {
  purpose: string | null;
  externalContactId: string | null;
  sessions: RecordSession[] | null;
}

export interface RecordSession {
  direction: string | null;
  ani: string | null;
  dnis: string | null;
  addressFrom: string | null;
  addressTo: string | null;
  addressOther: string | null;
}

/**
 * The identifiers of a Genesys conversation: the external contact ids of its customer participants (else
 * its external participants: outbound calls), and each of their sessions' customer address — read as the
 * event log's customer key reads it (src/sources/genesys/derive.ts): inbound the ANI (or From address),
 * outbound the DNIS (or To address). `remote` is not read: it is often a display name, which would merge
 * namesakes.
 */
export function conversationIdentifiers(
  originatingDirection: string | null,
  participants: readonly RecordParticipant[],
): IdentifierValue[] {
  const withSessions = (purpose: string) =>
    participants.filter((p) => p.purpose === purpose && (p.sessions?.length ?? 0) > 0);
  const customers = withSessions('customer').length ? withSessions('customer') : withSessions('external');
  const out: IdentifierValue[] = [];
  for (const p of customers) {
    const contact = p.externalContactId?.trim();
    if (contact) out.push(identifier('externalContactId', contact));
    for (const s of p.sessions ?? []) {
      const outbound = (s.direction ?? originatingDirection) === 'outbound';
      const address = outbound
        ? (s.dnis ?? s.addressTo ?? s.addressOther)
        : (s.ani ?? s.addressFrom ?? s.addressOther);
      const found = addressIdentifier(address);
      if (found) out.push(found);
    }
  }
  return dedupe(out);
}

const PARTICIPANTS_TYPE = JSON.stringify([
  {
    purpose: 'VARCHAR',
    externalContactId: 'VARCHAR',
    sessions: [
      {
        direction: 'VARCHAR',
        ani: 'VARCHAR',
        dnis: 'VARCHAR',
        addressFrom: 'VARCHAR',
        addressTo: 'VARCHAR',
        addressOther: 'VARCHAR',
      },
    ],
  },
]);

/** The meta entry naming how customer_identifiers was derived: a store derived otherwise (or before it existed) is derived again. */
export const IDENTIFIERS_META = 'customer_identifiers';
export const IDENTIFIERS_DERIVATION = '1';

/**
 * Rebuilds customer_identifiers from the stored Genesys records (inside the caller's transaction: the
 * regroup). DuckDB cuts each record down to its customer and external participants' identifying fields;
 * the addresses are normalized here, as the event log's customer key normalizes them.
 */
export async function buildCustomerIdentifiers(db: AnalyticsDb): Promise<void> {
  const rows = await db.all<{
    id: string;
    start: number;
    direction: string | null;
    participants: RecordParticipant[] | null;
  }>(`
    SELECT r.conversation_id AS id, epoch_ms(c.start_time)::DOUBLE AS start,
      json_extract_string(r.record, '$.originatingDirection') AS direction,
      list_filter(from_json(json_extract(r.record, '$.participants'), '${PARTICIPANTS_TYPE}'),
        p -> p.purpose IN ('customer', 'external')) AS participants
    FROM raw_conversations r JOIN conversations c USING (conversation_id)
    ORDER BY r.conversation_id`);
  await db.run('DELETE FROM customer_identifiers');
  const appender = await db.appender('customer_identifiers');
  for (const row of rows) {
    for (const i of conversationIdentifiers(row.direction, row.participants ?? [])) {
      appendRow(appender, [row.id, i.kind, i.value, i.key, { ts: row.start }]);
    }
  }
  appender.closeSync();
  await db.run('DELETE FROM meta WHERE key = $key', { key: IDENTIFIERS_META });
  await db.run('INSERT INTO meta VALUES ($key, $value)', {
    key: IDENTIFIERS_META,
    value: IDENTIFIERS_DERIVATION,
  });
}
