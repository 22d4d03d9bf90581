/**
 * Access control in the dashboard: who is signed in (GET /api/v1/auth/me), what they may open, and the
 * shapes of the users, roles, tokens and audit APIs. The server decides; the dashboard only hides what
 * would answer 403.
 */
import { createContext, useContext } from 'react';
import { grants, PERMISSIONS, type Permission } from '../../src/access/permissions.ts';
import type { User } from '../../src/access/user.ts';
import type { Lang } from './i18n.ts';

export { grants, PERMISSIONS, type Permission, type User };

/** GET /auth/me. mode 'dev': no login, every request is the local administrator. */
export interface Me {
  mode: 'dev' | 'login';
  user: User | null;
  /** The effective permission patterns. */
  permissions: string[];
  divisions: string[] | 'all';
}

export interface Role {
  name: string;
  description: string;
  permissions: string[];
  builtin: boolean;
}

export interface PermissionInfo {
  name: string;
  description: string;
}

export interface Division {
  id: string;
  name: string;
  conversations: number;
}

export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: string | number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
  ip: string | null;
}

export interface Items<T> {
  items: T[];
}

export interface AuditResponse {
  total: number;
  items: AuditEntry[];
}

/** POST /users: the generated one-time password when none was given. */
export interface CreatedUser {
  user: User;
  password?: string;
}

/** POST /tokens: the secret is shown once and never again. */
export interface CreatedToken {
  token: ApiToken;
  secret: string;
}

export interface Access {
  me: Me;
  /** Does the signed-in user (or the dev-mode local user) hold the permission? */
  can: (permission: Permission) => boolean;
  signOut: () => Promise<void>;
}

export const AccessContext = createContext<Access | null>(null);

export function useAccess(): Access {
  const access = useContext(AccessContext);
  if (!access) throw new Error('useAccess outside AccessContext');
  return access;
}

export function makeCan(me: Me): (permission: Permission) => boolean {
  return (permission) => grants(me.permissions, permission);
}

/** The permission each page needs (pages not listed: any signed-in user). */
export const PAGE_PERMISSION: Record<string, Permission> = {
  overview: 'analytics:processMap:view',
  map: 'analytics:processMap:view',
  variants: 'analytics:processMap:view',
  cases: 'analytics:processMap:view',
  case: 'analytics:processMap:view',
  customers: 'journey:event:view',
  customer: 'journey:event:view',
  reports: 'analytics:reports:view',
  exports: 'analytics:export:view',
  workflows: 'workflows:workflow:view',
  workAgent: 'work:item:view',
  workSupervisor: 'work:item:assign',
  workAdmin: 'work:admin',
  sources: 'integrations:source:view',
  adminUsers: 'admin:user:view',
  adminRoles: 'admin:user:view',
  adminAudit: 'admin:audit:view',
};

export function mayOpen(page: string, can: (permission: Permission) => boolean): boolean {
  const needed = PAGE_PERMISSION[page];
  return needed === undefined || can(needed);
}

/** The administration pages in tab order, with what each needs. */
export const ADMIN_PAGES = [
  { page: 'adminUsers', path: '/admin/users', label: 'adminUsers' },
  { page: 'adminRoles', path: '/admin/roles', label: 'adminRoles' },
  { page: 'adminAudit', path: '/admin/audit', label: 'adminAudit' },
] as const;

/** French descriptions of the permissions (English: src/access/permissions.ts). */
const PERMISSION_FR: Record<Permission, string> = {
  'analytics:processMap:view':
    'Journal d’événements, indicateurs, carte des processus, variantes, cas, conformité, vue d’ensemble',
  'analytics:reports:view': 'Rapports du support',
  'analytics:export:add': 'Lancer des exports de données',
  'analytics:export:view':
    'Lister et télécharger ses propres exports (tous les exports avec admin:export:view)',
  'journey:event:view': 'Parcours clients',
  'journey:eventType:view': 'Détail des événements de parcours (chemin de transfert, attributs web)',
  'journey:event:add':
    'Envoyer des événements de parcours (visites, pages vues, offres de contenu, messagerie)',
  'externalContacts:session:view': 'Identités clients : tous les identifiants d’un client',
  'routing:wrapupCode:view': 'Voir les codes de clôture (masqués sinon)',
  'routing:queue:search': 'Voir les noms des files d’attente (masqués sinon)',
  'integrations:source:view': 'Connecteurs de données : état',
  'integrations:source:sync': 'Connecteurs de données : lancer une synchronisation',
  'workflows:workflow:view': 'Workflows et leurs exécutions',
  'workflows:workflow:edit': 'Créer, modifier, supprimer, tester et relancer des workflows',
  'work:item:view': 'Éléments de travail',
  'work:item:edit': 'Traiter des éléments de travail',
  'work:item:assign':
    'Attribuer, déplacer et escalader tout élément de travail ; changer la présence de tout agent (superviseurs)',
  'work:admin': 'Types de travail, files, corbeilles, agents et compétences',
  'admin:user:view': 'Utilisateurs, rôles et divisions',
  'admin:user:edit': 'Créer et modifier les utilisateurs, leurs rôles et divisions ; révoquer leurs jetons',
  'admin:role:edit': 'Créer et modifier des rôles',
  'admin:audit:view': 'Le journal d’audit',
  'admin:export:view': 'Les exports de données de tous les utilisateurs',
  'admin:privacy:erase': 'Effacer les données d’un client (RGPD)',
  'admin:status:view': 'La page d’état du serveur',
};

const BUILTIN_ROLE_FR: Record<string, string> = {
  admin: 'Tout, y compris les utilisateurs, les rôles, l’audit et l’effacement',
  supervisor:
    'Analyses, rapports, exports, parcours avec codes de clôture et files d’attente, éléments de travail',
  analyst: 'Process mining, rapports et exports',
  agent: 'Parcours clients (files d’attente masquées) et ses éléments de travail',
};

/** A permission's description in the language (the API's text for a permission this build does not know). */
export function permissionText(name: string, fallback: string | undefined, lang: Lang): string {
  if (lang === 'fr' && name in PERMISSION_FR) return PERMISSION_FR[name as Permission];
  if (name in PERMISSIONS) return PERMISSIONS[name as Permission];
  return fallback ?? '';
}

export function roleText(role: Role, lang: Lang): string {
  return lang === 'fr' && role.builtin ? (BUILTIN_ROLE_FR[role.name] ?? role.description) : role.description;
}

/** The known permissions as picker items, in their language. */
export function permissionItems(lang: Lang): PermissionInfo[] {
  return (Object.keys(PERMISSIONS) as Permission[]).map((name) => ({
    name,
    description: permissionText(name, undefined, lang),
  }));
}

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(token: ApiToken, now: number = Date.now()): TokenState {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}
