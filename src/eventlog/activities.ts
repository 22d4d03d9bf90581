/**
 * The activities of the service-request event log (domain guide §1), in the order of the
 * domain guide's table. That order also breaks ties between events of one case with equal times.
 */
export const ACTIVITIES = [
  { name: 'Interaction Started', fr: 'Interaction Commencée' },
  { name: 'Conversation Routed to Queue', fr: "Conversation Routée vers la File d'Attente" },
  { name: 'Interaction Offered to Agent', fr: "Interaction Offerte à l'Agent" },
  { name: 'Agent Accepted Interaction', fr: "Agent a Accepté l'Interaction" },
  { name: 'Interaction Put on Hold', fr: "Mise en Attente sur l'Interaction" },
  { name: 'Hold Removed from Interaction', fr: "Attente Retirée de l'Interaction" },
  { name: 'Interaction Transferred', fr: 'Interaction Transférée' },
  { name: 'Interaction Disconnected', fr: 'Interaction Déconnectée' },
  { name: 'After-Call Work Started', fr: 'Travail Post-Appel Commencé' },
  { name: 'After-Call Work Completed', fr: 'Travail Post-Appel Terminé' },
  { name: 'Wrap-Up Code Assigned', fr: 'Wrap-Up Code attribué' },
  { name: 'Customer Satisfaction Survey Sent', fr: 'Enquête de Satisfaction Client Envoyée' },
  { name: 'Service Request Reopened', fr: 'Demande de service rouverte' },
  // Back office (work automation, src/work): one event per lifecycle transition of a work item.
  { name: 'Work Item Created', fr: 'Élément de Travail Créé' },
  { name: 'Work Item Routed', fr: 'Élément de Travail Routé' },
  { name: 'Work Item Assigned', fr: 'Élément de Travail Attribué' },
  { name: 'Work Item Declined', fr: 'Élément de Travail Refusé' },
  { name: 'Work Item Started', fr: 'Élément de Travail Commencé' },
  { name: 'Work Item Paused', fr: 'Élément de Travail Mis en Pause' },
  { name: 'Work Item Resumed', fr: 'Élément de Travail Repris' },
  { name: 'Work Item Waiting', fr: 'Élément de Travail en Attente' },
  { name: 'Work Item Escalated', fr: 'Élément de Travail Escaladé' },
  { name: 'Work Item Completed', fr: 'Élément de Travail Terminé' },
  { name: 'Work Item Cancelled', fr: 'Élément de Travail Annulé' },
] as const;

export type ActivityName = (typeof ACTIVITIES)[number]['name'];
export type Lang = 'en' | 'fr';

const ORDER = new Map<string, number>(ACTIVITIES.map((a, i) => [a.name, i]));

/** Position of an activity in the domain guide's table (unknown activities sort last). */
export function activityOrder(name: string): number {
  return ORDER.get(name) ?? ACTIVITIES.length;
}

export function activityLabel(name: string, lang: Lang): string {
  if (lang === 'en') return name;
  return ACTIVITIES.find((a) => a.name === name)?.fr ?? name;
}
