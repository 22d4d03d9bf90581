/**
 * Permission strings, Genesys style: `domain:entity:action`. A role grants patterns: a segment `*`
 * matches any one segment, and a trailing `*` matches the rest (`admin:*` grants `admin:user:edit`,
 * `*` grants everything).
 */
export const PERMISSIONS = {
  'analytics:processMap:view': 'Event log, KPIs, process map, variants, cases, conformance, overview',
  'analytics:reports:view': 'Support reports',
  'analytics:export:add': 'Start data exports',
  'analytics:export:view': 'List and download one’s own data exports (all exports with admin:export:view)',
  'journey:event:view': 'Customer journey timelines',
  'journey:eventType:view': 'Details of journey events (transfer path, web event attributes)',
  'journey:event:add': 'Send journey events (web visits, page views, content offers, messaging activity)',
  'externalContacts:session:view': 'Customer identities: every identifier of a customer',
  'routing:wrapupCode:view': 'See wrap-up codes (masked otherwise)',
  'routing:queue:search': 'See queue names (masked otherwise)',
  'integrations:source:view': 'Source connectors: status',
  'integrations:source:sync': 'Source connectors: start a sync',
  'workflows:workflow:view': 'Workflows and their runs',
  'workflows:workflow:edit': 'Create, change, delete, test and re-run workflows',
  'work:item:view': 'Work items',
  'work:item:edit':
    'Work on one’s own work items: claim, accept, decline, start, pause, resume, complete, edit',
  'work:item:assign': 'Assign, move and escalate any work item; set any agent’s presence (supervisors)',
  'work:admin': 'Work types, queues, workbins, agents and skills',
  'admin:user:view': 'Users, roles and divisions',
  'admin:user:edit': 'Create and change users, their roles and divisions; revoke their tokens',
  'admin:role:edit': 'Create and change roles',
  'admin:audit:view': 'The audit log',
  'admin:export:view': 'Every user’s data exports',
  'admin:privacy:erase': 'Erase a customer’s data (GDPR)',
  'admin:status:view': 'The server status page',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/** Does one granted pattern cover the permission? */
export function matches(pattern: string, permission: string): boolean {
  const want = permission.split(':');
  const have = pattern.split(':');
  for (let i = 0; i < have.length; i++) {
    const part = have[i];
    if (part === '*' && i === have.length - 1) return true;
    if (i >= want.length) return false;
    if (part !== '*' && part !== want[i]) return false;
  }
  return have.length === want.length;
}

/** Does any of the granted patterns cover the permission? */
export function grants(patterns: readonly string[], permission: string): boolean {
  return patterns.some((p) => matches(p, permission));
}

/** A pattern that grants at least one known permission (roles and token scopes are checked with it). */
export function isKnownPattern(pattern: string): boolean {
  return PERMISSION_NAMES.some((p) => matches(pattern, p));
}
