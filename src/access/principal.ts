import { grants, type Permission } from './permissions.ts';

/** Who a request acts as: a signed-in user (session), an API token of a user, or the dev-mode local user. */
export interface Principal {
  kind: 'session' | 'token' | 'dev';
  userId: string;
  username: string;
  displayName: string;
  roles: readonly string[];
  /** The permission patterns of the user's roles. */
  permissions: readonly string[];
  /** A token's scopes (permission patterns): the token can do what both its scopes and its user grant. */
  scopes?: readonly string[];
  /** Division ids the user sees; 'all' for every division. */
  divisions: readonly string[] | 'all';
  /** The session or token id (audit). */
  credentialId?: string;
}

export function can(principal: Principal, permission: Permission): boolean {
  if (!grants(principal.permissions, permission)) return false;
  return principal.scopes === undefined || grants(principal.scopes, permission);
}

/** Dev mode (access.enabled false): the local user, an administrator of every division. */
export const DEV_PRINCIPAL: Principal = {
  kind: 'dev',
  userId: 'local',
  username: 'local',
  displayName: 'Local user (dev mode)',
  roles: ['admin'],
  permissions: ['*'],
  divisions: 'all',
};

/**
 * What of the analytics data a viewer may see: rows of their divisions only; wrap-up codes without
 * routing:wrapupCode:view and queue names without routing:queue:search come back as null.
 */
export interface DataScope {
  divisions: readonly string[] | 'all';
  maskWrapUpCodes: boolean;
  maskQueues: boolean;
}

/** Everything, unmasked: the CLI (run by whoever owns the data directory) and dev mode. */
export const FULL_SCOPE: DataScope = { divisions: 'all', maskWrapUpCodes: false, maskQueues: false };

export function scopeOf(principal: Principal): DataScope {
  return {
    divisions: principal.divisions,
    maskWrapUpCodes: !can(principal, 'routing:wrapupCode:view'),
    maskQueues: !can(principal, 'routing:queue:search'),
  };
}
