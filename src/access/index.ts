export { type AuditEntry, type AuditRecord, audit, listAudit } from './audit.ts';
export {
  grants,
  isKnownPattern,
  matches,
  PERMISSION_NAMES,
  PERMISSIONS,
  type Permission,
} from './permissions.ts';
export {
  can,
  type DataScope,
  DEV_PRINCIPAL,
  FULL_SCOPE,
  type Principal,
  scopeOf,
} from './principal.ts';
export { BUILTIN_ROLES, builtinRole, type Role } from './roles.ts';
export {
  AccessError,
  AccessService,
  type Actor,
  type ApiToken,
  type NewUser,
  type User,
  type UserPatch,
} from './service.ts';
