import { createHmac } from 'node:crypto';
import { type CaseflowConfig, ConfigError } from '../config/index.ts';
import { normalizeAddress } from '../eventlog/index.ts';

/**
 * Pseudonymization of customer identifiers (GDPR): a keyed hash (HMAC-SHA-256, key in
 * CASEFLOW_PSEUDONYMIZE_KEY) of the normalized identifier, written so that it still reads as its kind:
 * `pseud-phone-<16 base32>`, `pseud-email-…`, `pseud-messaging-…`, `pseud-contact-…` (external contact ids),
 * `pseud-name-…` (customer names). The same identifier written differently (`tel:+33 6 12…`,
 * `+33612…`) gets the same pseudonym, so grouping conversations by customer works as on clear data.
 */

export const KEY_VARIABLE = 'CASEFLOW_PSEUDONYMIZE_KEY';
export const MIN_KEY_LENGTH = 32;

export type AddressKind = 'phone' | 'email' | 'messaging';
export type PseudonymKind = AddressKind | 'contact' | 'name';
/** `address` and the address kinds are hints only: the normalized value decides which address kind it is. */
export type IdentifierKind = PseudonymKind | 'address';

const PSEUDONYM = /^pseud-(phone|email|messaging|contact|name)-[a-z2-7]{16}$/;

/** A value this module produced (pseudonymizing it again leaves it as it is). */
export const isPseudonym = (value: string): boolean => PSEUDONYM.test(value.trim());

/** A configuration or key problem: nothing is imported (exit code 2 in the CLI). */
export class PrivacyError extends ConfigError {
  override name = 'PrivacyError';
}

/** The kind of a normalized address: + and digits is a phone number, with an @ an e-mail, else a handle. */
export function addressKind(normalized: string): AddressKind {
  const label = /^pseud-(phone|email|messaging)-/.exec(normalized)?.[1];
  if (label) return label as AddressKind;
  if (/^\+?\d+$/.test(normalized)) return 'phone';
  return normalized.includes('@') ? 'email' : 'messaging';
}

const normalizeName = (name: string): string =>
  name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let value = 0;
  let bits = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
      if (out.length === chars) return out;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** Pseudonyms under one key. */
export class Pseudonymizer {
  /** Names the key without revealing it (stored with the data: a different key is refused). */
  readonly keyId: string;

  constructor(private readonly key: string) {
    this.keyId = this.digest('key-id', 'caseflow');
  }

  private digest(label: string, normalized: string): string {
    return base32(createHmac('sha256', this.key).update(`${label}:${normalized}`).digest(), 16);
  }

  /**
   * The pseudonym of an identifier of this kind. A pseudonym is returned as it is; so is a value with
   * nothing identifying in it (empty once normalized).
   */
  of(kind: IdentifierKind, value: string): string {
    if (isPseudonym(value)) return value.trim();
    let label: PseudonymKind;
    let normalized: string | null;
    if (kind === 'contact') {
      label = 'contact';
      normalized = value.trim() || null;
    } else if (kind === 'name') {
      label = 'name';
      normalized = normalizeName(value) || null;
    } else {
      normalized = normalizeAddress(value);
      label = normalized ? addressKind(normalized) : 'messaging';
    }
    return normalized === null ? value : `pseud-${label}-${this.digest(label, normalized)}`;
  }

  /** A phone number, e-mail or messaging address (normalized as customerKey reads it). */
  address(value: string): string {
    return this.of('address', value);
  }

  /** An external contact id. */
  contact(value: string): string {
    return this.of('contact', value);
  }

  name(value: string): string {
    return this.of('name', value);
  }
}

/** pseudonymize(kind, value, key): the pseudonym of one identifier under a key (see Pseudonymizer.of). */
export function pseudonymize(kind: IdentifierKind, value: string, key: string): string {
  return new Pseudonymizer(checkedKey(key)).of(kind, value);
}

function checkedKey(key: string | undefined): string {
  if (key === undefined || key === '') {
    throw new PrivacyError(
      `privacy.pseudonymize is on but ${KEY_VARIABLE} is not set: set it to a secret of at least ${MIN_KEY_LENGTH} characters (e.g. the output of \`openssl rand -base64 48\`), the same for every import into this data directory; nothing was imported`,
    );
  }
  if (key.length < MIN_KEY_LENGTH) {
    throw new PrivacyError(
      `${KEY_VARIABLE} is ${key.length} characters long: at least ${MIN_KEY_LENGTH} are needed; nothing was imported`,
    );
  }
  return key;
}

/**
 * The pseudonymizer of the configuration: null when privacy.pseudonymize is off; a PrivacyError when it is
 * on and the key is missing or shorter than 32 characters.
 */
export function pseudonymizerFor(
  config: Pick<CaseflowConfig, 'privacy'>,
  env: NodeJS.ProcessEnv = process.env,
): Pseudonymizer | null {
  if (!config.privacy.pseudonymize) return null;
  return new Pseudonymizer(checkedKey(env[KEY_VARIABLE]));
}

/** The key of the environment when one is set and long enough, whatever the configuration says. */
export function pseudonymizerOfEnv(env: NodeJS.ProcessEnv = process.env): Pseudonymizer | null {
  const key = env[KEY_VARIABLE];
  return key !== undefined && key.length >= MIN_KEY_LENGTH ? new Pseudonymizer(key) : null;
}

/** A customer as journey events name them. */
export interface CustomerIdentifiers {
  externalContactId?: string;
  phone?: string;
  email?: string;
  messagingAddress?: string;
}

/**
 * The customer of a journey event as it is to be stored: pseudonymized when privacy.pseudonymize is on
 * (the same pseudonyms as the conversations' identifiers), unchanged when off.
 */
export function pseudonymizeCustomer<T extends CustomerIdentifiers>(
  customer: T,
  config: Pick<CaseflowConfig, 'privacy'>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const p = pseudonymizerFor(config, env);
  if (!p) return customer;
  const out: T = { ...customer };
  if (customer.externalContactId !== undefined) out.externalContactId = p.contact(customer.externalContactId);
  if (customer.phone !== undefined) out.phone = p.address(customer.phone);
  if (customer.email !== undefined) out.email = p.address(customer.email);
  if (customer.messagingAddress !== undefined) out.messagingAddress = p.address(customer.messagingAddress);
  return out;
}

/**
 * A contact id of imported support data (`caseflow import conversations|messages`): an event-log customer
 * key keeps its prefix (`contact:<id>`, `address:<address>`); a bare phone number or e-mail is an address;
 * any other bare value an external system's contact id.
 */
export function pseudonymizeContactRef(value: string, p: Pseudonymizer): string {
  const key = /^(contact|address):(.+)$/s.exec(value.trim());
  if (key?.[1] === 'contact') return `contact:${p.contact(key[2] ?? '')}`;
  if (key?.[1] === 'address') return `address:${p.address(key[2] ?? '')}`;
  if (isPseudonym(value)) return value.trim();
  const normalized = normalizeAddress(value);
  return normalized && addressKind(normalized) !== 'messaging' ? p.address(value) : p.contact(value);
}

// ---------------------------------------------------------------------------------------------------------
// Identifiers typed by a user

/** The forms under which an identifier's data is stored. */
export interface StoredIdentity {
  /** External contact ids. */
  contactIds: string[];
  /** Normalized addresses (phone numbers, e-mails, messaging handles). */
  addresses: string[];
  /** Values as given (trimmed): imported support data keeps contact ids as its files wrote them. */
  verbatim: string[];
}

const IDENTIFIER_KEY = /^(contact|address|phone|email|messaging):(.+)$/is;

/**
 * The forms of an identifier a user gives: an identifier key (`contact:<id>`, `phone:…`, `email:…`,
 * `messaging:…`, or the event log's `address:…`), a pseudonym, or a bare value — an external contact id or
 * an address, both are looked for. With a pseudonymizer, the pseudonyms of those forms.
 */
export function storedIdentity(identifier: string, p: Pseudonymizer | null): StoredIdentity {
  const text = identifier.trim();
  const key = IDENTIFIER_KEY.exec(text);
  const prefix = key?.[1]?.toLowerCase();
  const value = key ? (key[2] ?? '').trim() : text;
  const asContact = prefix === undefined || prefix === 'contact';
  const asAddress = prefix !== 'contact';
  const contactIds: string[] = [];
  const addresses: string[] = [];
  if (asContact && value) contactIds.push(p ? p.contact(value) : value);
  if (asAddress) {
    const normalized = p ? p.address(value) : normalizeAddress(value);
    if (normalized) addresses.push(normalized);
  }
  return { contactIds, addresses, verbatim: p || !value ? [] : [value] };
}

export function mergeIdentities(identities: readonly StoredIdentity[]): StoredIdentity {
  const unique = (pick: (i: StoredIdentity) => string[]) => [...new Set(identities.flatMap(pick))];
  return {
    contactIds: unique((i) => i.contactIds),
    addresses: unique((i) => i.addresses),
    verbatim: unique((i) => i.verbatim),
  };
}

/** The event log's customer keys (conversations.customer_key) of an identity. */
export function customerKeysOf(identity: StoredIdentity): string[] {
  return [
    ...identity.contactIds.map((c) => `contact:${c}`),
    ...identity.addresses.map((a) => `address:${a}`),
  ];
}

/** The contact ids imported support rows may carry for an identity: customer keys or bare values. */
export function supportContactIdsOf(identity: StoredIdentity): string[] {
  return [
    ...new Set([
      ...customerKeysOf(identity),
      ...identity.contactIds,
      ...identity.addresses,
      ...identity.verbatim,
    ]),
  ];
}

/** The journey's identifier keys of an identity (`contact:…`, `phone:…`, `email:…`, `messaging:…`). */
export function journeyKeysOf(identity: StoredIdentity): string[] {
  return [
    ...identity.contactIds.map((c) => `contact:${c}`),
    ...identity.addresses.map((a) => `${addressKind(a)}:${a}`),
  ];
}

/**
 * Lookup of a clear identifier typed by a user (search by phone number, e-mail…): the forms its data is
 * stored under — the pseudonyms when privacy.pseudonymize is on, the normalized identifier when off — and
 * the event log's customer keys.
 */
export function lookupIdentifier(
  identifier: string,
  config: Pick<CaseflowConfig, 'privacy'>,
  env: NodeJS.ProcessEnv = process.env,
): StoredIdentity & { customerKeys: string[] } {
  const identity = storedIdentity(identifier, pseudonymizerFor(config, env));
  return { ...identity, customerKeys: customerKeysOf(identity) };
}

/**
 * The pseudonym of a clear identifier typed by a user, as the data holds it: a bare value is read as an
 * address (phone number, e-mail, messaging handle); an identifier key (`phone:…`, `contact:…`) keeps its
 * prefix. When pseudonymization is off, the identifier itself (trimmed).
 */
export function pseudonymOf(
  identifier: string,
  config: Pick<CaseflowConfig, 'privacy'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const p = pseudonymizerFor(config, env);
  return p ? pseudonymWith(identifier, p) : identifier.trim();
}

function pseudonymWith(identifier: string, p: Pseudonymizer): string {
  const text = identifier.trim();
  const key = IDENTIFIER_KEY.exec(text);
  if (!key) return p.address(text);
  const prefix = key[1] ?? '';
  const value = key[2] ?? '';
  return `${prefix}:${prefix.toLowerCase() === 'contact' ? p.contact(value) : p.address(value)}`;
}

/**
 * What the audit log names an erased customer by, never the identifiers themselves: their pseudonyms when a
 * key is configured (CASEFLOW_PSEUDONYMIZE_KEY), else `hmac:` and a keyed hash (HMAC-SHA-256 under the
 * installation's secret, src/privacy/secret.ts) of their normalized forms — the same for the same customer
 * however its identifiers are written, and not found by hashing candidate phone numbers without the secret.
 */
export function auditTargetOf(
  identifiers: readonly string[],
  key: Pseudonymizer | { installationSecret: string },
): string {
  if (key instanceof Pseudonymizer) return identifiers.map((i) => pseudonymWith(i, key)).join(' ');
  const normalized = identifiers.map((i) => {
    const prefixed = IDENTIFIER_KEY.exec(i.trim());
    const value = prefixed ? (prefixed[2] ?? '') : i;
    return normalizeAddress(value) ?? value.trim();
  });
  const digest = createHmac('sha256', key.installationSecret)
    .update(`audit-target:${[...new Set(normalized)].sort().join('\n')}`)
    .digest('hex');
  return `hmac:${digest.slice(0, 32)}`;
}

/**
 * Pseudonymizes a support row being imported (support_conversations or support_messages cells): its
 * contact id, and the sender id of a message the contact sent.
 */
export function pseudonymizeSupportRow(row: Record<string, string | number | null>, p: Pseudonymizer): void {
  if (typeof row.contact_id === 'string') row.contact_id = pseudonymizeContactRef(row.contact_id, p);
  if (row.sender_type === 'contact' && typeof row.sender_id === 'string')
    row.sender_id = pseudonymizeContactRef(row.sender_id, p);
}
