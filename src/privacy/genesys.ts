import { normalizeAddress } from '../eventlog/index.ts';
import type { Pseudonymizer } from './pseudonymize.ts';

/**
 * Pseudonymization of a Genesys conversation detail record, before it is validated, stored and derived.
 *
 * The customer's identifiers are those of its customer and external participants: their
 * externalContactId, and in each of their sessions the address the event log reads as the customer's
 * (inbound: ani, addressFrom, remote, else addressOther; outbound: dnis, addressTo, else addressOther) and
 * the callback numbers. Every string of the record that is one of those identifiers, once normalized as
 * the customer key normalizes it (`tel:+33 6…` and `sip:+336…@edge` alike), is replaced by its pseudonym:
 * the copies in the IVR, queue and agent sessions too. The customer's name (participantName of those
 * participants, callbackUserName) becomes a name pseudonym. The organization's own addresses (the DNIS of
 * an inbound call, the mailbox an e-mail was sent to) are kept; so is everything else (attributes other
 * than the identifiers, segments, metrics).
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const CUSTOMER_PURPOSES = new Set(['customer', 'external']);

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

export function pseudonymizeGenesysRecord(record: unknown, p: Pseudonymizer): unknown {
  if (!isObject(record) || !Array.isArray(record.participants)) return record;
  /** Normalized identifier → its pseudonym. */
  const replacements = new Map<string, string>();
  const addAddress = (value: unknown) => {
    const address = text(value);
    const normalized = address ? normalizeAddress(address) : null;
    if (address && normalized && !replacements.has(normalized))
      replacements.set(normalized, p.address(address));
  };
  const customers = record.participants.filter(
    (participant): participant is Record<string, unknown> =>
      isObject(participant) && CUSTOMER_PURPOSES.has(String(participant.purpose)),
  );
  for (const participant of customers) {
    const contactId = text(participant.externalContactId);
    if (contactId) replacements.set(contactId.trim(), p.contact(contactId));
    for (const session of Array.isArray(participant.sessions) ? participant.sessions : []) {
      if (!isObject(session)) continue;
      const outbound = (session.direction ?? record.originatingDirection) === 'outbound';
      const own = outbound
        ? [session.dnis, session.addressTo]
        : [session.ani, session.addressFrom, session.remote];
      for (const value of own) addAddress(value);
      if (own.every((value) => text(value) === undefined)) addAddress(session.addressOther);
      if (Array.isArray(session.callbackNumbers)) for (const n of session.callbackNumbers) addAddress(n);
    }
  }
  const out = replaceIdentifiers(record as Json, replacements) as Record<string, Json>;
  for (const participant of (out.participants as Json[]).filter(
    (x): x is Record<string, Json> => isObject(x) && CUSTOMER_PURPOSES.has(String(x.purpose)),
  )) {
    if (typeof participant.participantName === 'string')
      participant.participantName = p.name(participant.participantName);
    for (const session of Array.isArray(participant.sessions) ? participant.sessions : []) {
      if (isObject(session) && typeof session.callbackUserName === 'string')
        session.callbackUserName = p.name(session.callbackUserName);
    }
  }
  return out;
}

/** A copy of the value with every string that is a known identifier (exact id, or same normalized address) replaced. */
function replaceIdentifiers(value: Json, replacements: ReadonlyMap<string, string>): Json {
  if (typeof value === 'string') {
    const exact = replacements.get(value.trim());
    if (exact !== undefined) return exact;
    const normalized = normalizeAddress(value);
    return (normalized !== null && replacements.get(normalized)) || value;
  }
  if (Array.isArray(value)) return value.map((v) => replaceIdentifiers(v, replacements));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = replaceIdentifiers(v, replacements);
    return out;
  }
  return value;
}
