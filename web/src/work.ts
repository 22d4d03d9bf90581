/**
 * Work automation in the dashboard: the shapes of the /api/v1/work answers (the definitions and items are
 * the server's own, src/work/shapes.ts), the small text syntaxes of the admin forms (`billing=4, french`),
 * and the pages' labels in English and French (kept here rather than in i18n.ts: they belong to these pages
 * only).
 */

// The lifecycle's statuses and actions are the server's own (a module without imports).
import type {
  Agent,
  AttributeType,
  AttributeValue,
  AgentPresence as Presence,
  RequiredSkill,
  WorkItem,
} from '../../src/work/shapes.ts';
import type { WorkAction, WorkItemStatus } from '../../src/work/state-machine.ts';
import { ApiError, buildUrl, sendJson } from './api.ts';
import { type Lang, useI18n } from './i18n.ts';

export {
  WORK_ACTIONS,
  WORK_ITEM_STATUSES,
  type WorkAction,
  type WorkItemStatus,
} from '../../src/work/state-machine.ts';

/** What the agent does with their own items (the rest is routing's or a supervisor's). */
export const AGENT_ACTIONS = ['start', 'pause', 'resume', 'wait', 'complete', 'cancel'] as const;

// The answers' shapes and value lists are the server's own (src/work/shapes.ts, a module without imports).
export {
  type Agent,
  type AgentPresence as Presence,
  ATTRIBUTE_TYPES,
  type AttributeField,
  type AttributeType,
  type AttributeValue,
  type Callback,
  MEDIA_TYPES,
  type MediaType,
  type NoAgentRules,
  PRESENCES,
  type RequiredSkill,
  ROUTING_METHODS,
  type SlaEscalation,
  type SlaPolicy,
  WORKBIN_OWNER_KINDS,
  type Workbin,
  type WorkItem,
  type WorkQueue,
  type WorkType,
} from '../../src/work/shapes.ts';

export interface ItemsPage {
  items: WorkItem[];
  total: number;
  limit: number;
  offset: number;
}

/** GET /work/me */
export interface MeAgent {
  agent: Agent | null;
}

/** GET /work/me/list: the agent's open items and recent interactions, newest first. */
export type BlendedEntry =
  | { kind: 'workItem'; item: WorkItem }
  | {
      kind: 'interaction';
      conversationId: string;
      channel: string;
      startedAt: string;
      customerId: string | null;
      serviceRequest: string | null;
    };

/** GET /work/overview */
export interface WorkOverview {
  asOf: string;
  queues: {
    id: string;
    name: string;
    routing: 'push' | 'pull';
    depth: number;
    oldestQueuedAt: string | null;
    atSlaRisk: number;
  }[];
  agents: {
    id: string;
    name: string;
    presence: Presence;
    load: number;
    capacity: number;
    lastIdleAt: string | null;
  }[];
  atRisk: WorkItem[];
}

/** `event: offer` of GET /work/me/stream */
export interface Offer {
  itemId: string;
  offeredAt: string;
  expiresAt: string;
}

export interface Transition {
  action: Exclude<WorkAction, 'update'>;
  expectedVersion?: number;
  agentId?: string;
  queueId?: string;
  workbinId?: string;
  waitingStatus?: string;
  reason?: string;
}

export const workUrl = (path: string, query: Record<string, string | number | undefined> = {}) =>
  buildUrl(`/work${path}`, query);

export const itemUrl = (id: string, tail = '') => workUrl(`/items/${encodeURIComponent(id)}${tail}`);

export function transition(id: string, command: Transition): Promise<{ item: WorkItem }> {
  return sendJson<{ item: WorkItem }>('POST', itemUrl(id, '/transitions'), command);
}

/** The message of a failed request; a 409 says plainly that it is a conflict. */
export function failureText(error: unknown, conflictLabel: string): string {
  if (error instanceof ApiError)
    return error.status === 409 ? `${conflictLabel} ${error.message}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

// The admin forms' text syntaxes.

/** "a, b ,c" → ["a", "b", "c"] */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * "billing=4, french" → [["billing", 4], ["french", null]]; throws with the bad part when a value is not
 * a whole number.
 */
export function parsePairs(text: string): [string, number | null][] {
  return parseList(text).map((part) => {
    const [name = '', value] = part.split('=').map((s) => s.trim());
    if (value === undefined || value === '') return [name, null];
    if (!/^\d+$/.test(value)) throw new Error(`“${part}”: ${value} is not a whole number`);
    return [name, Number(value)];
  });
}

export function formatPairs(pairs: [string, number | null | undefined][]): string {
  return pairs.map(([k, v]) => (v === null || v === undefined ? k : `${k}=${v}`)).join(', ');
}

export const requiredSkillsOf = (text: string): RequiredSkill[] =>
  parsePairs(text).map(([skill, min]) => (min === null ? { skill } : { skill, minProficiency: min }));

export const requiredSkillsText = (skills: RequiredSkill[]): string =>
  formatPairs(skills.map((s) => [s.skill, s.minProficiency]));

/** Skills and capacities: a value is required ("billing" alone is an error naming it). */
export function levelsOf(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of parsePairs(text)) {
    if (value === null) throw new Error(`“${name}”: a value is missing (name=number)`);
    out[name] = value;
  }
  return out;
}

export const levelsText = (levels: Record<string, number | undefined>): string =>
  formatPairs(Object.entries(levels));

/** Seconds until `iso` (0 once past), whole. */
export function secondsLeft(iso: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));
}

/** An attribute's value from its input text, by its type (empty: null, i.e. removed). */
export function attributeValue(
  type: AttributeType | undefined,
  text: string,
  checked: boolean,
): AttributeValue {
  if (type === 'boolean') return checked;
  if (text.trim() === '') return null;
  if (type === 'number') {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  return text;
}

/** A customer's journey by its opaque journey id (interactions carry it). */
export const customerHref = (customerId: string) => `/customers/${encodeURIComponent(customerId)}`;
/** A work item names its customer by an identifier key (phone:+33…): the journey search finds them. */
export const customerSearchHref = (key: string) =>
  `/customers?q=${encodeURIComponent(key.replace(/^(contact|phone|email|messaging):/, ''))}`;
export const caseHref = (serviceRequest: string) => `/cases/${encodeURIComponent(serviceRequest)}`;

const en = {
  navWorkAgent: 'My tasks',
  navWorkSupervisor: 'Supervision',
  navWorkAdmin: 'Work setup',
  workNav: 'Work automation',
  // Admin
  adminIntro: 'Work types, queues, workbins and agents: how work items are defined and routed.',
  tabTypes: 'Work types',
  tabQueues: 'Queues',
  tabWorkbins: 'Workbins',
  tabAgents: 'Agents',
  id: 'Id',
  idHint: 'letters, digits, . _ : -',
  name: 'Name',
  description: 'Description',
  division: 'Division',
  divisionHint: 'empty: the default division',
  defaultQueue: 'Default queue',
  defaultWorkbin: 'Default workbin',
  none: 'None',
  priority: 'Priority',
  priorityHint: 'higher is more urgent',
  slaSeconds: 'SLA (seconds)',
  slaHint: 'due date = creation + this; empty: none',
  requiredSkills: 'Required skills',
  requiredSkillsHint: 'skill=min proficiency 1–5, comma-separated (e.g. billing=3, french)',
  attributeSchema: 'Attribute fields',
  attributeName: 'Field',
  attributeType: 'Type',
  attributeRequired: 'Required',
  attributeEnum: 'Allowed values',
  attributeEnumHint: 'comma-separated; empty: any',
  addField: 'Add a field',
  removeField: 'Remove',
  waitingStatuses: 'Waiting statuses',
  waitingStatusesHint: 'comma-separated, e.g. waiting-customer, waiting-third-party',
  callback: 'Callback to the source system',
  callbackUrl: 'URL',
  callbackUrlHint: 'empty: no callback',
  callbackSecretEnv: 'Secret (environment variable name)',
  callbackTransitions: 'Call back on',
  slaEscalation: 'SLA escalation',
  slaThreshold: 'At % of the SLA',
  slaThresholdHint: 'empty: no SLA escalation',
  slaKind: 'Escalate to',
  slaReassignGroup: 'another agent group',
  slaSupervisorWorkbin: 'a supervisor’s workbin',
  slaTarget: 'Group or workbin id',
  routing: 'Routing',
  routing_push: 'Push (offered to the best agent)',
  routing_pull: 'Pull (agents pick)',
  noAgentRules: 'When no qualified agent is free',
  raisePriority: 'Raise priority',
  raiseBy: 'by',
  raiseMax: 'up to',
  moveToQueue: 'Move to queue',
  alertSupervisor: 'Alert supervisor',
  supervisorId: 'Supervisor user id (empty: the queue’s)',
  afterSeconds: 'after (s)',
  afterSecondsHint: 'empty: never',
  owner: 'Owner',
  ownerKind: 'Owner kind',
  owner_queue: 'Queue',
  owner_team: 'Team',
  owner_supervisor: 'Supervisor',
  ownerId: 'Owner id',
  ownerIdHint: 'the queue id, team id or supervisor’s user id',
  userId: 'Linked user id',
  userIdHint: 'the Caseflow user this agent is (dev mode: local)',
  externalAgentId: 'Platform user id',
  externalAgentIdHint: 'the agent’s Genesys user id: their recent interactions in “My tasks”',
  skills: 'Skills',
  skillsHint: 'skill=proficiency 1 (basic) … 5 (expert), e.g. billing=4, french=3',
  languages: 'Languages',
  languagesHint: 'comma-separated tags, e.g. fr, en-GB',
  capacity: 'Capacity',
  capacityHint: 'media type=how many at once, e.g. workitem=2, chat=1',
  queues: 'Queues',
  teams: 'Teams',
  teamsHint: 'comma-separated',
  presence: 'Presence',
  presence_available: 'Available',
  presence_busy: 'Busy',
  presence_away: 'Away',
  presence_offline: 'Offline',
  create: 'Create',
  save: 'Save',
  cancel: 'Cancel',
  edit: 'Edit',
  delete: 'Delete',
  confirmDelete: 'Delete “{name}”?',
  newType: 'New work type',
  newQueue: 'New queue',
  newWorkbin: 'New workbin',
  newAgent: 'New agent',
  editing: 'Edit',
  saved: 'Saved',
  created: 'Created',
  deleted: 'Deleted',
  noTypes: 'No work type yet.',
  noQueues: 'No queue yet.',
  noWorkbins: 'No workbin yet.',
  noAgents: 'No agent yet.',
  actions: 'Actions',
  updated: 'Updated',
  // Agent view
  agentIntro: 'Your work items, offers and recent interactions.',
  notAnAgent:
    'You are not an agent: an administrator links an agent to your user (Work setup → Agents → linked user id).',
  myPresence: 'My presence',
  myItems: 'My work',
  blendedList: 'Work items and interactions',
  noWork: 'Nothing open for you.',
  interaction: 'Interaction',
  workItem: 'Work item',
  channel: 'Channel',
  customer: 'Customer',
  case: 'Case',
  started: 'Started',
  title: 'Title',
  status: 'Status',
  due: 'Due',
  type: 'Type',
  queue: 'Queue',
  workbin: 'Workbin',
  assignee: 'Agent',
  version: 'Version',
  attributes: 'Attributes',
  saveAttributes: 'Save attributes',
  noAttributes: 'This work type declares no attribute.',
  waitingStatus: 'Waiting for',
  reason: 'Reason',
  conflict: 'Conflict (409):',
  conflictHint: 'The item changed meanwhile: reload it, then try again.',
  reload: 'Reload',
  offerTitle: 'New work item offered',
  offerExpires: 'Answer within {s} s',
  offerExpired: 'The offer has expired',
  accept: 'Accept',
  decline: 'Decline',
  live: 'Live notifications',
  liveOn: 'connected',
  liveOff: 'reconnecting…',
  pullFrom: 'Workbins to pull from',
  pickWorkbin: 'Workbin',
  claim: 'Claim',
  claimed: 'Claimed',
  noQueued: 'Nothing waiting in this workbin.',
  openItem: 'Open',
  close: 'Close',
  action_queue: 'Queue',
  action_move: 'Move',
  action_escalate: 'Escalate',
  action_assign: 'Assign',
  action_claim: 'Claim',
  action_decline: 'Decline',
  action_start: 'Start',
  action_pause: 'Pause',
  action_resume: 'Resume',
  action_wait: 'Wait',
  action_complete: 'Complete',
  action_cancel: 'Cancel item',
  action_update: 'Update',
  status_created: 'Created',
  status_queued: 'Queued',
  status_assigned: 'Assigned',
  'status_in-progress': 'In progress',
  status_paused: 'Paused',
  status_waiting: 'Waiting',
  status_completed: 'Completed',
  status_cancelled: 'Cancelled',
  // Supervisor view
  supervisorIntro: 'Queues, agents and the items at risk of missing their SLA.',
  asOf: 'As of',
  depth: 'Waiting',
  oldest: 'Oldest waiting since',
  atSlaRisk: 'At SLA risk',
  depthChart: 'Waiting items and items at SLA risk by queue',
  agents: 'Agents',
  load: 'Load',
  lastIdle: 'Idle since',
  atRiskItems: 'Items nearest their due date',
  noAtRisk: 'No open item has a due date.',
  assignTo: 'Assign to',
  moveTo: 'Move to',
  chooseAgent: 'Choose an agent',
  chooseTarget: 'Choose a queue or workbin',
  assigned: 'Assigned',
  moved: 'Moved',
  overdue: 'overdue',
} as const;

export type WorkLabels = Record<keyof typeof en, string>;

const fr: WorkLabels = {
  navWorkAgent: 'Mes tâches',
  navWorkSupervisor: 'Supervision',
  navWorkAdmin: 'Paramétrage du travail',
  workNav: 'Automatisation du travail',
  adminIntro:
    'Types de travail, files, corbeilles et agents : comment les éléments de travail sont définis et distribués.',
  tabTypes: 'Types de travail',
  tabQueues: 'Files',
  tabWorkbins: 'Corbeilles',
  tabAgents: 'Agents',
  id: 'Identifiant',
  idHint: 'lettres, chiffres, . _ : -',
  name: 'Nom',
  description: 'Description',
  division: 'Division',
  divisionHint: 'vide : la division par défaut',
  defaultQueue: 'File par défaut',
  defaultWorkbin: 'Corbeille par défaut',
  none: 'Aucune',
  priority: 'Priorité',
  priorityHint: 'plus haut = plus urgent',
  slaSeconds: 'SLA (secondes)',
  slaHint: 'échéance = création + ce délai ; vide : aucune',
  requiredSkills: 'Compétences requises',
  requiredSkillsHint: 'compétence=niveau min. 1–5, séparées par des virgules (ex. facturation=3, francais)',
  attributeSchema: 'Champs d’attributs',
  attributeName: 'Champ',
  attributeType: 'Type',
  attributeRequired: 'Obligatoire',
  attributeEnum: 'Valeurs permises',
  attributeEnumHint: 'séparées par des virgules ; vide : toutes',
  addField: 'Ajouter un champ',
  removeField: 'Retirer',
  waitingStatuses: 'Statuts d’attente',
  waitingStatusesHint: 'séparés par des virgules, ex. attente-client, attente-tiers',
  callback: 'Rappel du système source',
  callbackUrl: 'URL',
  callbackUrlHint: 'vide : pas de rappel',
  callbackSecretEnv: 'Secret (nom de variable d’environnement)',
  callbackTransitions: 'Rappeler lors de',
  slaEscalation: 'Escalade SLA',
  slaThreshold: 'À % du SLA',
  slaThresholdHint: 'vide : pas d’escalade SLA',
  slaKind: 'Escalader vers',
  slaReassignGroup: 'un autre groupe d’agents',
  slaSupervisorWorkbin: 'la corbeille d’un superviseur',
  slaTarget: 'Identifiant du groupe ou de la corbeille',
  routing: 'Distribution',
  routing_push: 'Poussée (proposée au meilleur agent)',
  routing_pull: 'Tirée (les agents choisissent)',
  noAgentRules: 'Quand aucun agent qualifié n’est libre',
  raisePriority: 'Augmenter la priorité',
  raiseBy: 'de',
  raiseMax: 'jusqu’à',
  moveToQueue: 'Déplacer vers la file',
  alertSupervisor: 'Alerter le superviseur',
  supervisorId: 'Identifiant utilisateur du superviseur (vide : ceux de la file)',
  afterSeconds: 'après (s)',
  afterSecondsHint: 'vide : jamais',
  owner: 'Propriétaire',
  ownerKind: 'Type de propriétaire',
  owner_queue: 'File',
  owner_team: 'Équipe',
  owner_supervisor: 'Superviseur',
  ownerId: 'Identifiant du propriétaire',
  ownerIdHint: 'identifiant de la file, de l’équipe ou de l’utilisateur superviseur',
  userId: 'Utilisateur lié',
  userIdHint: 'l’utilisateur Caseflow qu’est cet agent (mode développement : local)',
  externalAgentId: 'Identifiant sur la plateforme',
  externalAgentIdHint:
    'l’identifiant utilisateur Genesys de l’agent : ses interactions récentes dans « Mes tâches »',
  skills: 'Compétences',
  skillsHint: 'compétence=niveau 1 (débutant) … 5 (expert), ex. facturation=4, francais=3',
  languages: 'Langues',
  languagesHint: 'codes séparés par des virgules, ex. fr, en-GB',
  capacity: 'Capacité',
  capacityHint: 'type de média=combien à la fois, ex. workitem=2, chat=1',
  queues: 'Files',
  teams: 'Équipes',
  teamsHint: 'séparées par des virgules',
  presence: 'Présence',
  presence_available: 'Disponible',
  presence_busy: 'Occupé',
  presence_away: 'Absent',
  presence_offline: 'Hors ligne',
  create: 'Créer',
  save: 'Enregistrer',
  cancel: 'Annuler',
  edit: 'Modifier',
  delete: 'Supprimer',
  confirmDelete: 'Supprimer « {name} » ?',
  newType: 'Nouveau type de travail',
  newQueue: 'Nouvelle file',
  newWorkbin: 'Nouvelle corbeille',
  newAgent: 'Nouvel agent',
  editing: 'Modifier',
  saved: 'Enregistré',
  created: 'Créé',
  deleted: 'Supprimé',
  noTypes: 'Aucun type de travail.',
  noQueues: 'Aucune file.',
  noWorkbins: 'Aucune corbeille.',
  noAgents: 'Aucun agent.',
  actions: 'Actions',
  updated: 'Modifié',
  agentIntro: 'Vos éléments de travail, les propositions et vos interactions récentes.',
  notAnAgent:
    'Vous n’êtes pas agent : un administrateur lie un agent à votre utilisateur (Paramétrage du travail → Agents → utilisateur lié).',
  myPresence: 'Ma présence',
  myItems: 'Mon travail',
  blendedList: 'Éléments de travail et interactions',
  noWork: 'Rien d’ouvert pour vous.',
  interaction: 'Interaction',
  workItem: 'Élément de travail',
  channel: 'Canal',
  customer: 'Client',
  case: 'Dossier',
  started: 'Début',
  title: 'Titre',
  status: 'Statut',
  due: 'Échéance',
  type: 'Type',
  queue: 'File',
  workbin: 'Corbeille',
  assignee: 'Agent',
  version: 'Version',
  attributes: 'Attributs',
  saveAttributes: 'Enregistrer les attributs',
  noAttributes: 'Ce type de travail ne déclare aucun attribut.',
  waitingStatus: 'En attente de',
  reason: 'Motif',
  conflict: 'Conflit (409) :',
  conflictHint: 'L’élément a changé entre-temps : rechargez-le puis réessayez.',
  reload: 'Recharger',
  offerTitle: 'Nouvel élément de travail proposé',
  offerExpires: 'Répondez sous {s} s',
  offerExpired: 'La proposition a expiré',
  accept: 'Accepter',
  decline: 'Refuser',
  live: 'Notifications en direct',
  liveOn: 'connecté',
  liveOff: 'reconnexion…',
  pullFrom: 'Corbeilles où prendre du travail',
  pickWorkbin: 'Corbeille',
  claim: 'Prendre',
  claimed: 'Pris',
  noQueued: 'Rien en attente dans cette corbeille.',
  openItem: 'Ouvrir',
  close: 'Fermer',
  action_queue: 'Mettre en file',
  action_move: 'Déplacer',
  action_escalate: 'Escalader',
  action_assign: 'Attribuer',
  action_claim: 'Prendre',
  action_decline: 'Refuser',
  action_start: 'Commencer',
  action_pause: 'Pause',
  action_resume: 'Reprendre',
  action_wait: 'Mettre en attente',
  action_complete: 'Terminer',
  action_cancel: 'Annuler l’élément',
  action_update: 'Modifier',
  status_created: 'Créé',
  status_queued: 'En file',
  status_assigned: 'Attribué',
  'status_in-progress': 'En cours',
  status_paused: 'En pause',
  status_waiting: 'En attente',
  status_completed: 'Terminé',
  status_cancelled: 'Annulé',
  supervisorIntro: 'Files, agents et éléments qui risquent de manquer leur SLA.',
  asOf: 'Au',
  depth: 'En attente',
  oldest: 'Plus ancien en attente depuis',
  atSlaRisk: 'SLA à risque',
  depthChart: 'Éléments en attente et éléments à risque SLA par file',
  agents: 'Agents',
  load: 'Charge',
  lastIdle: 'Libre depuis',
  atRiskItems: 'Éléments les plus proches de leur échéance',
  noAtRisk: 'Aucun élément ouvert n’a d’échéance.',
  assignTo: 'Attribuer à',
  moveTo: 'Déplacer vers',
  chooseAgent: 'Choisir un agent',
  chooseTarget: 'Choisir une file ou une corbeille',
  assigned: 'Attribué',
  moved: 'Déplacé',
  overdue: 'en retard',
};

export const WORK_LABELS: Record<Lang, WorkLabels> = { en, fr };

/** The work pages' labels in the dashboard's language. */
export function useWorkText(): { w: WorkLabels; lang: Lang } {
  const { lang } = useI18n();
  return { w: WORK_LABELS[lang], lang };
}

export const statusLabel = (w: WorkLabels, status: WorkItemStatus) =>
  w[`status_${status}` as keyof WorkLabels];
export const actionLabel = (w: WorkLabels, action: WorkAction) => w[`action_${action}` as keyof WorkLabels];
export const presenceLabel = (w: WorkLabels, presence: Presence) =>
  w[`presence_${presence}` as keyof WorkLabels];

/** The status pill's colour class. */
export function statusTone(status: WorkItemStatus): string {
  if (status === 'completed') return 'delivered';
  if (status === 'cancelled') return 'dead';
  if (status === 'in-progress') return 'succeeded';
  return 'queued';
}
