import type { CaseflowConfig } from '../config/index.ts';
import type { Store } from '../store/index.ts';
import { KEY_VARIABLE, PrivacyError, type Pseudonymizer, pseudonymizerFor } from './pseudonymize.ts';

/**
 * The mode the analytics store's customer data was imported with, in its meta table: `off`, or
 * `on:<key id>` (the key id names the key without revealing it). Recorded by the first import into an
 * empty store; every later import must use the same mode and key, or the same customer would be stored
 * under two identifiers (clear and pseudonymized, or two pseudonyms): such an import is refused before it
 * writes anything. Switching needs an empty store (a new data directory, re-importing the sources there).
 */
const MODE_KEY = 'privacy_mode';

export interface PrivacyMode {
  pseudonymize: boolean;
  /** The key's id when pseudonymized. */
  keyId: string | null;
}

const modeText = (p: Pseudonymizer | null): string => (p ? `on:${p.keyId}` : 'off');

function parseMode(value: string): PrivacyMode {
  return value.startsWith('on:')
    ? { pseudonymize: true, keyId: value.slice(3) }
    : { pseudonymize: false, keyId: null };
}

/** Whether the store holds customer data (Genesys conversations, imported support conversations or messages). */
async function holdsCustomerData(store: Store): Promise<boolean> {
  const row = await store.db.one<{ found: boolean }>(`
    SELECT EXISTS (SELECT 1 FROM raw_conversations) OR EXISTS (SELECT 1 FROM support_conversations)
      OR EXISTS (SELECT 1 FROM support_messages) AS found`);
  return row?.found ?? false;
}

/**
 * The mode of the stored data: as recorded; `off` for data imported before the mode was recorded; null for
 * a store without customer data.
 */
export async function storedPrivacyMode(store: Store): Promise<PrivacyMode | null> {
  const recorded = await store.getMeta(MODE_KEY);
  if (await holdsCustomerData(store)) return parseMode(recorded ?? 'off');
  return null;
}

/**
 * Checks the configuration (privacy.pseudonymize, the key) against the mode of the stored data before an
 * import, records it in an empty store (unless `record` is false: a dry run), and returns the
 * pseudonymizer to import with (null: clear identifiers). A PrivacyError names what to do otherwise.
 */
export async function preparePseudonymization(
  store: Store,
  config: Pick<CaseflowConfig, 'privacy'>,
  env: NodeJS.ProcessEnv = process.env,
  options: { record?: boolean } = {},
): Promise<Pseudonymizer | null> {
  const p = pseudonymizerFor(config, env);
  const wanted = modeText(p);
  const stored = await storedPrivacyMode(store);
  if (stored === null) {
    if (options.record !== false && (await store.getMeta(MODE_KEY)) !== wanted)
      await store.setMeta(MODE_KEY, wanted);
    return p;
  }
  if (!stored.pseudonymize && !p) return p;
  if (stored.pseudonymize && p && stored.keyId === p.keyId) return p;
  const where = store.dataDir;
  if (!stored.pseudonymize) {
    throw new PrivacyError(
      `privacy.pseudonymize is on, but ${where} holds customer data imported with clear identifiers: importing pseudonymized data into it would split each customer in two. Turn privacy.pseudonymize off, or import into an empty data directory (and re-import the sources there); nothing was imported`,
    );
  }
  if (!p) {
    throw new PrivacyError(
      `${where} holds pseudonymized customer data, but privacy.pseudonymize is off: importing clear identifiers into it would store them in clear and split each customer in two. Turn privacy.pseudonymize back on (with the same ${KEY_VARIABLE}), or import into an empty data directory; nothing was imported`,
    );
  }
  throw new PrivacyError(
    `${KEY_VARIABLE} is not the key the customer data in ${where} was pseudonymized with: the same customer would get another pseudonym. Set the original key, or import into an empty data directory; nothing was imported`,
  );
}
