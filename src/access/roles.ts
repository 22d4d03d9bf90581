import type { Permission } from './permissions.ts';

export interface Role {
  name: string;
  description: string;
  /** Permission patterns (permissions.ts). */
  permissions: readonly string[];
  builtin: boolean;
}

const role = (name: string, description: string, permissions: readonly (Permission | string)[]): Role => ({
  name,
  description,
  permissions,
  builtin: true,
});

/** The built-in roles; custom roles are stored (admin:role:edit). Built-in roles cannot be changed. */
export const BUILTIN_ROLES: readonly Role[] = [
  role('admin', 'Everything, including users, roles, audit and erasure', ['*']),
  role('supervisor', 'Analytics, reports, exports, journeys with wrap-up codes and queues, work items', [
    'analytics:*',
    'journey:*',
    'externalContacts:session:view',
    'routing:wrapupCode:view',
    'routing:queue:search',
    'integrations:source:view',
    'workflows:workflow:view',
    'work:item:*',
  ]),
  role('analyst', 'Process mining, reports and exports', [
    'analytics:processMap:view',
    'analytics:reports:view',
    'analytics:export:add',
    'analytics:export:view',
    'routing:wrapupCode:view',
    'routing:queue:search',
    'integrations:source:view',
    'workflows:workflow:view',
  ]),
  role('agent', 'Customer journeys (queue names masked) and own work items', [
    'journey:event:view',
    'journey:eventType:view',
    'externalContacts:session:view',
    'routing:wrapupCode:view',
    'work:item:view',
    'work:item:edit',
  ]),
];

export function builtinRole(name: string): Role | undefined {
  return BUILTIN_ROLES.find((r) => r.name === name);
}
