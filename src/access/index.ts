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
