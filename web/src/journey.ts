/**
 * Client side of the customer journey API (/api/v1/customers…, src/journey): the answers' types, the
 * URLs, and the few pure rules the pages apply to them. The server decides every interaction's live
 * status; the dashboard only shows what it was told (the journey answer, then `status` events).
 */

import { CHANNELS, type Channel, LIVE_STATES, type LiveState } from '../../src/journey/kinds.ts';
import type {
  CustomerSummary,
  DetailValue,
  Identifier,
  Interaction,
  Journey,
  LiveStatus,
  PathStep,
} from '../../src/journey/model.ts';
import { buildUrl } from './api.ts';

export type { IdentifierKind } from '../../src/journey/kinds.ts';
// The answers' types are the server's (src/journey/model.ts: type-only, erased from the bundle).
export type { Channel, CustomerSummary, DetailValue, Identifier, Interaction, LiveState, PathStep };
export { CHANNELS };

/** GET /customers?q= or ?conversationId= */
export interface CustomersResponse {
  items: CustomerSummary[];
}

/** An interaction's live status: `changesAt`, when the server will next change the state without a new event. */
export type InteractionStatus = LiveStatus;

/** GET /customers/:id/journey */
export type JourneyResponse = Journey;

/** The `status` event of /customers/:id/journey/live. */
export interface StatusEvent {
  id: string;
  status: InteractionStatus;
}

const encodedId = (customerId: string) => encodeURIComponent(customerId);

export const customersUrl = (query: { q?: string; conversationId?: string }): string =>
  buildUrl('/customers', query);

export const journeyUrl = (customerId: string): string =>
  buildUrl(`/customers/${encodedId(customerId)}/journey`);

export const journeyLiveUrl = (customerId: string): string =>
  buildUrl(`/customers/${encodedId(customerId)}/journey/live`);

/** The dashboard page of a customer. */
export const customerPath = (customerId: string): string => `/customers/${encodedId(customerId)}`;

/** The dashboard page that resolves a conversation's customer, then shows that customer's journey. */
export const conversationJourneyPath = (conversationId: string, query: Record<string, string> = {}): string =>
  `/customers?${new URLSearchParams({ conversationId, ...query })}`;

/** The `lang` parameter when the URL has one: journey links keep the language the user picked. */
export function langQuery(query: URLSearchParams): Record<string, string> {
  const lang = query.get('lang');
  return lang ? { lang } : {};
}

export function isChannel(channel: string): channel is Channel {
  return (CHANNELS as readonly string[]).includes(channel);
}

/** A decorative symbol per channel, from the common text fonts (no emoji font needed); the label goes with it. */
export const CHANNEL_ICONS: Record<Channel, string> = {
  voice: '☎',
  callback: '↺',
  webMessaging: '❝',
  chat: '❝',
  sms: '✉',
  whatsapp: '❝',
  line: '❝',
  twitter: '❝',
  facebook: '❝',
  email: '✉',
  webVisit: '⌂',
  pageView: '▤',
  contentOffer: '★',
  workitem: '☑',
  other: '•',
};

/**
 * The status shown for each interaction: the journey answer's, replaced by the latest `status` event
 * received for it since that answer.
 */
export function applyStatuses(
  items: readonly Interaction[],
  received: ReadonlyMap<string, InteractionStatus>,
): Interaction[] {
  if (received.size === 0) return [...items];
  return items.map((item) => {
    const status = received.get(item.id);
    return status ? { ...item, status } : item;
  });
}

/** Reads the data of a `status` event; null when it is not one (the event is then ignored). */
export function parseStatusEvent(data: string): StatusEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { id, status } = value as { id?: unknown; status?: unknown };
  if (typeof id !== 'string' || typeof status !== 'object' || status === null) return null;
  const { state, changesAt } = status as { state?: unknown; changesAt?: unknown };
  if (typeof state !== 'string' || !(LIVE_STATES as readonly string[]).includes(state)) return null;
  if (changesAt !== null && typeof changesAt !== 'string') return null;
  return { id, status: { state: state as LiveState, changesAt } };
}
