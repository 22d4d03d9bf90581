/**
 * Privacy (GDPR): pseudonymization of customer identifiers on import (keyed hash), and erasure of one
 * customer's data everywhere.
 */
export { type ErasureReport, type ErasureRequest, eraseCustomer } from './erase.ts';
export { pseudonymizeGenesysRecord } from './genesys.ts';
export { type PrivacyMode, preparePseudonymization, storedPrivacyMode } from './mode.ts';
export { eraseJourneyEvents, type OperationalErasure } from './operational.ts';
export {
  type AddressKind,
  addressKind,
  auditTargetOf,
  type CustomerIdentifiers,
  customerKeysOf,
  type IdentifierKind,
  isPseudonym,
  journeyKeysOf,
  KEY_VARIABLE,
  lookupIdentifier,
  MIN_KEY_LENGTH,
  PrivacyError,
  Pseudonymizer,
  type PseudonymKind,
  pseudonymize,
  pseudonymizeContactRef,
  pseudonymizeCustomer,
  pseudonymizerFor,
  pseudonymizeSupportRow,
  pseudonymOf,
  type StoredIdentity,
  storedIdentity,
  supportContactIdsOf,
} from './pseudonymize.ts';
