/**
 * The demo organization: divisions, queues, teams, agents with skills, wrap-up codes, and the
 * Genesys directory files (users, routing/queues, routing/wrapupcodes) that describe it.
 */
import { Rng } from './prng.ts';

export const REQUEST_TYPES = [
  'Billing inquiry',
  'Technical support',
  'Account management',
  'Product complaint',
  'Order status',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const MEDIA_TYPES = ['voice', 'callback', 'chat', 'email', 'message'] as const;
export type Media = (typeof MEDIA_TYPES)[number];

/** Wrap-up codes that do not resolve the service request (the importer's "unresolved/escalated" set). */
export const UNRESOLVED_WRAPUP_CODES = ['Escalade N2', 'Rappel prévu', 'Non résolu', 'Transféré'] as const;

/** Resolving wrap-up codes an agent may assign, per request type. */
export const RESOLVING_CODES: Readonly<Record<RequestType, readonly string[]>> = {
  'Billing inquiry': ['Résolu - Facturation', 'Information fournie', 'Geste commercial accordé'],
  'Technical support': ['Résolu - Support technique', 'Mot de passe réinitialisé', 'Information fournie'],
  'Account management': [
    'Modification de compte effectuée',
    'Mot de passe réinitialisé',
    'Information fournie',
  ],
  'Product complaint': ['Réclamation traitée', 'Geste commercial accordé'],
  'Order status': ['Commande localisée', 'Information fournie'],
};

const RESOLVING_WRAPUP_CODES = [
  'Résolu - Facturation',
  'Résolu - Support technique',
  'Mot de passe réinitialisé',
  'Information fournie',
  'Commande localisée',
  'Modification de compte effectuée',
  'Réclamation traitée',
  'Geste commercial accordé',
] as const;

/** The organization's phone number (IVR entry, outbound caller id), e-mail address, chat/messaging names. */
export const ORG_PHONE = 'tel:+33180206000';
export const ORG_EMAIL = 'service.client@caseflow-demo.fr';
export const ORG_DOMAIN = 'caseflow-demo.fr';

export interface Ref {
  id: string;
  name: string;
}

export interface QueueDef extends Ref {
  media: Media;
  description: string;
  division: Ref;
  teams: TeamDef[];
}

export interface TeamDef extends Ref {
  queueNames: readonly string[];
  media: readonly Media[];
  types: readonly RequestType[];
  size: number;
  title: string;
  division: Ref;
}

export interface AgentDef extends Ref {
  email: string;
  team: TeamDef;
  title: string;
  media: ReadonlySet<Media>;
  /** Request-type skills with proficiency 1–5. */
  skills: ReadonlyMap<RequestType, number>;
}

export interface WrapUpDef extends Ref {
  resolving: boolean;
}

export interface Directory {
  divisions: { main: Ref; expertise: Ref };
  queues: ReadonlyMap<string, QueueDef>;
  teams: readonly TeamDef[];
  agents: readonly AgentDef[];
  supervisors: readonly AgentDef[];
  wrapUps: ReadonlyMap<string, WrapUpDef>;
  skillIds: ReadonlyMap<string, string>;
  /** Agents able to take interactions of a queue (team serves the queue and agent has its media). */
  queueAgents: ReadonlyMap<string, readonly AgentDef[]>;
  ivrFlow: Ref;
  inQueueFlow: Ref;
  botFlow: Ref;
  messagingDeploymentId: string;
}

export const QUEUE_NAMES = {
  n1Voice: 'Support N1 - Voix',
  billingVoice: 'Facturation - Voix',
  callbacks: 'Rappels',
  billingChat: 'Facturation - Chat',
  techChat: 'Support technique - Chat',
  techEmail: 'Support technique - Email',
  serviceEmail: 'Service client - Email',
  messages: 'Service client - Messages',
  n2: 'Escalade N2',
} as const;

const QUEUES: readonly { name: string; media: Media; description: string; expertise?: boolean }[] = [
  { name: QUEUE_NAMES.n1Voice, media: 'voice', description: 'Appels entrants, support de premier niveau' },
  {
    name: QUEUE_NAMES.billingVoice,
    media: 'voice',
    description: 'Appels entrants, questions de facturation',
  },
  { name: QUEUE_NAMES.callbacks, media: 'callback', description: 'Demandes de rappel (site web et SVI)' },
  { name: QUEUE_NAMES.billingChat, media: 'chat', description: 'Chat web, facturation et compte client' },
  { name: QUEUE_NAMES.techChat, media: 'chat', description: 'Chat web, support technique' },
  { name: QUEUE_NAMES.techEmail, media: 'email', description: 'E-mails, support technique' },
  { name: QUEUE_NAMES.serviceEmail, media: 'email', description: 'E-mails, service client' },
  { name: QUEUE_NAMES.messages, media: 'message', description: 'Messagerie web (web messaging)' },
  { name: QUEUE_NAMES.n2, media: 'voice', description: 'Escalades vers le support expert', expertise: true },
];

const TEAMS: readonly Omit<TeamDef, 'id' | 'division'>[] = [
  {
    name: 'Équipe N1 Voix',
    queueNames: [QUEUE_NAMES.n1Voice, QUEUE_NAMES.callbacks],
    media: ['voice', 'callback'],
    types: ['Technical support', 'Account management', 'Order status', 'Product complaint'],
    size: 13,
    title: 'Conseiller clientèle',
  },
  {
    name: 'Équipe Facturation',
    queueNames: [QUEUE_NAMES.billingVoice, QUEUE_NAMES.billingChat, QUEUE_NAMES.callbacks],
    media: ['voice', 'callback', 'chat'],
    types: ['Billing inquiry', 'Account management'],
    size: 8,
    title: 'Conseiller facturation',
  },
  {
    name: 'Équipe Digital',
    queueNames: [QUEUE_NAMES.techChat, QUEUE_NAMES.billingChat, QUEUE_NAMES.messages],
    media: ['chat', 'message'],
    types: REQUEST_TYPES,
    size: 10,
    title: 'Conseiller digital',
  },
  {
    name: 'Équipe Email',
    queueNames: [QUEUE_NAMES.techEmail, QUEUE_NAMES.serviceEmail, QUEUE_NAMES.messages],
    media: ['email', 'message'],
    types: REQUEST_TYPES,
    size: 5,
    title: 'Conseiller écrit',
  },
  {
    name: 'Équipe Expertise N2',
    queueNames: [QUEUE_NAMES.n2],
    media: ['voice', 'callback', 'chat', 'email', 'message'],
    types: ['Technical support', 'Product complaint', 'Billing inquiry'],
    size: 4,
    title: 'Expert N2',
  },
];

export const FIRST_NAMES: readonly string[] = (
  'Camille|Léa|Manon|Chloé|Emma|Inès|Sarah|Julie|Laura|Pauline|Marie|Clara|Anaïs|Mélanie|' +
  'Sophie|Nathalie|Isabelle|Céline|Aurélie|Élodie|Lucas|Hugo|Thomas|Nicolas|Julien|Maxime|' +
  'Antoine|Alexandre|Quentin|Romain|Kévin|Mehdi|Karim|Yanis|Théo|Louis|Paul|Olivier|François|' +
  'Stéphane|Sébastien|Jérôme|Fatima|Aïcha|Nadia|Sofia|Mathieu|Vincent'
).split('|');

export const LAST_NAMES: readonly string[] = (
  'Martin|Bernard|Thomas|Petit|Robert|Richard|Durand|Dubois|Moreau|Laurent|Simon|Michel|' +
  'Lefebvre|Leroy|Roux|David|Bertrand|Morel|Fournier|Girard|Bonnet|Dupont|Lambert|Fontaine|' +
  'Rousseau|Vincent|Muller|Lefèvre|Faure|André|Mercier|Blanc|Guérin|Boyer|Garnier|Chevalier|' +
  'François|Legrand|Gauthier|Garcia|Perrin|Robin|Clément|Morin|Nicolas|Henry|Roussel|Mathieu|' +
  'Gautier|Masson|Benali|Haddad|Nguyen|Da Silva|Lopez|Diallo|Traoré|Meyer|Schmitt|Colin'
).split('|');

/** Lower-case ASCII form of a name for e-mail addresses. */
export function asciiSlug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function buildDirectory(seed: number): Directory {
  const rng = new Rng(seed, 'directory');
  const main: Ref = { id: rng.uuid(), name: 'Service Client France' };
  const expertise: Ref = { id: rng.uuid(), name: 'Expertise Technique' };

  const teams: TeamDef[] = TEAMS.map((t) => ({
    ...t,
    id: rng.uuid(),
    division: t.name === 'Équipe Expertise N2' ? expertise : main,
  }));

  const queues = new Map<string, QueueDef>();
  for (const q of QUEUES) {
    queues.set(q.name, {
      id: rng.uuid(),
      name: q.name,
      media: q.media,
      description: q.description,
      division: q.expertise === true ? expertise : main,
      teams: teams.filter((t) => t.queueNames.includes(q.name)),
    });
  }

  const skillIds = new Map<string, string>();
  for (const name of [...MEDIA_TYPES, ...REQUEST_TYPES]) skillIds.set(name, rng.uuid());

  const usedNames = new Set<string>();
  const newPerson = (): { first: string; last: string } => {
    for (;;) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      if (!usedNames.has(`${first} ${last}`)) {
        usedNames.add(`${first} ${last}`);
        return { first, last };
      }
    }
  };
  const email = (first: string, last: string): string =>
    `${asciiSlug(first)}.${asciiSlug(last)}@${ORG_DOMAIN}`;

  const agents: AgentDef[] = [];
  for (const team of teams) {
    for (let i = 0; i < team.size; i++) {
      const { first, last } = newPerson();
      const media = new Set<Media>(team.media);
      // A few voice agents of N1 do not take callbacks; some digital agents do not take chat.
      if (team.media.includes('callback') && team.media.length > 1 && rng.chance(0.2))
        media.delete('callback');
      if (team.name === 'Équipe Digital' && rng.chance(0.2)) media.delete('chat');
      const skills = new Map<RequestType, number>();
      for (const type of team.types) {
        if (team.types.length > 3 && rng.chance(0.2)) continue;
        skills.set(type, rng.intBetween(2, 5));
      }
      if (team.name === 'Équipe N1 Voix' && rng.chance(0.3))
        skills.set('Billing inquiry', rng.intBetween(1, 3));
      if (team.name === 'Équipe Facturation' && rng.chance(0.4))
        skills.set('Order status', rng.intBetween(1, 3));
      if (skills.size === 0) skills.set(rng.pick(team.types), 3);
      agents.push({
        id: rng.uuid(),
        name: `${first} ${last}`,
        email: email(first, last),
        team,
        title: team.title,
        media,
        skills,
      });
    }
  }

  const supervisors: AgentDef[] = [];
  for (const team of [teams[0], teams[1], teams[2]]) {
    if (team === undefined) continue;
    const { first, last } = newPerson();
    supervisors.push({
      id: rng.uuid(),
      name: `${first} ${last}`,
      email: email(first, last),
      team,
      title: 'Superviseur',
      media: new Set(),
      skills: new Map(),
    });
  }

  const wrapUps = new Map<string, WrapUpDef>();
  for (const name of RESOLVING_WRAPUP_CODES) wrapUps.set(name, { id: rng.uuid(), name, resolving: true });
  for (const name of UNRESOLVED_WRAPUP_CODES) wrapUps.set(name, { id: rng.uuid(), name, resolving: false });

  const queueAgents = new Map<string, AgentDef[]>();
  for (const q of queues.values()) {
    const members = agents.filter(
      (a) => a.team.queueNames.includes(q.name) && (a.media.has(q.media) || q.name === QUEUE_NAMES.n2),
    );
    queueAgents.set(q.name, members);
  }

  return {
    divisions: { main, expertise },
    queues,
    teams,
    agents,
    supervisors,
    wrapUps,
    skillIds,
    queueAgents,
    ivrFlow: { id: rng.uuid(), name: 'SVI - Accueil Service Client' },
    inQueueFlow: { id: rng.uuid(), name: "Musique d'attente - Service Client" },
    botFlow: { id: rng.uuid(), name: 'Bot - Assistant Web' },
    messagingDeploymentId: rng.uuid(),
  };
}

const SKILL_LABEL: Readonly<Record<Media, string>> = {
  voice: 'Voix',
  callback: 'Rappel',
  chat: 'Chat',
  email: 'Email',
  message: 'Messagerie',
};

const SERVICE_LEVEL_MS: Readonly<Record<Media, number>> = {
  voice: 20_000,
  callback: 3_600_000,
  chat: 30_000,
  email: 86_400_000,
  message: 300_000,
};

/** The directory date: fixed, so that the files never depend on the clock. */
const CREATED = '2025-01-06T08:00:00.000Z';

function listShape<T>(entities: T[]): {
  entities: T[];
  pageSize: number;
  pageNumber: number;
  total: number;
  pageCount: number;
} {
  return {
    entities,
    pageSize: Math.max(25, entities.length),
    pageNumber: 1,
    total: entities.length,
    pageCount: 1,
  };
}

const divisionRef = (d: Ref) => ({
  id: d.id,
  name: d.name,
  selfUri: `/api/v2/authorization/divisions/${d.id}`,
});

/** GET /api/v2/users (expand=team,skills) as one page. */
export function usersFile(dir: Directory): object {
  const entity = (a: AgentDef) => ({
    id: a.id,
    name: a.name,
    division: divisionRef(a.team.division),
    email: a.email,
    username: a.email,
    state: 'active',
    title: a.title,
    department: 'Relation Client',
    team: { id: a.team.id, name: a.team.name },
    routingSkills: [
      ...[...a.media].map((m) => ({
        id: dir.skillIds.get(m) ?? '',
        name: SKILL_LABEL[m],
        proficiency: 5,
        state: 'active',
      })),
      ...[...a.skills].map(([type, proficiency]) => ({
        id: dir.skillIds.get(type) ?? '',
        name: type,
        proficiency,
        state: 'active',
      })),
    ],
    version: 1,
    selfUri: `/api/v2/users/${a.id}`,
  });
  return listShape([...dir.agents, ...dir.supervisors].map(entity));
}

/** GET /api/v2/routing/queues as one page. */
export function queuesFile(dir: Directory): object {
  return listShape(
    [...dir.queues.values()].map((q) => ({
      id: q.id,
      name: q.name,
      description: q.description,
      division: divisionRef(q.division),
      mediaSettings: Object.fromEntries(
        (q.name === QUEUE_NAMES.n2 ? MEDIA_TYPES : [q.media]).map((m) => [
          m,
          {
            alertingTimeoutSeconds: m === 'email' ? 300 : 30,
            serviceLevel: { percentage: 0.8, durationMs: SERVICE_LEVEL_MS[m] },
          },
        ]),
      ),
      memberCount: dir.queueAgents.get(q.name)?.length ?? 0,
      memberGroups: q.teams.map((t) => ({ id: t.id, name: t.name, type: 'TEAM' })),
      dateCreated: CREATED,
      selfUri: `/api/v2/routing/queues/${q.id}`,
    })),
  );
}

/** GET /api/v2/routing/wrapupcodes as one page. */
export function wrapUpCodesFile(dir: Directory): object {
  const createdBy = dir.supervisors[0]?.id ?? '';
  return listShape(
    [...dir.wrapUps.values()].map((w) => ({
      id: w.id,
      name: w.name,
      division: divisionRef(dir.divisions.main),
      dateCreated: CREATED,
      createdBy: { id: createdBy, selfUri: `/api/v2/users/${createdBy}` },
      selfUri: `/api/v2/routing/wrapupcodes/${w.id}`,
    })),
  );
}
