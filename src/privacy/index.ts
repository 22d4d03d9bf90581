/**
 * Privacy (GDPR): pseudonymization of customer identifiers on import (keyed hash), and erasure of one
 * customer's data everywhere.
 */
export {
  ERASURE_STEPS,
  type ErasureReport,
  type ErasureRequest,
  type ErasureStep,
  eraseCustomer,
} from './erase.ts';
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
export { eraseFromQuarantine, type QuarantineTarget } from './quarantine.ts';
export { AUDIT_TARGET_SECRET, installationSecret } from './secret.ts';
