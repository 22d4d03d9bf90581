/**
 * Demo messages (messages.ndjson): the texts of the demo's chat, web messaging and e-mail conversations in
 * the generic message format of `caseflow import messages` — the customer's inbound messages, the agents'
 * replies during their connected segments, workflow acknowledgements, and broadcast and API notifications
 * outside conversations, a few of them failed. Drawn from a random stream of their own ('messages'), so the
 * conversation records, directories and surveys are the same with or without them.
 */
import { customerKey } from '../eventlog/customer-key.ts';
import { HOUR, MINUTE, SECOND } from './calendar.ts';
import { Rng } from './prng.ts';
import type { GenesysConversationRecord, GenesysParticipantRecord } from './types.ts';

/** One line of messages.ndjson (the generic message fields, snake_case). */
export interface DemoMessageRecord {
  message_id: string;
  conversation_id?: string;
  sent_at: string;
  sender_id: string;
  sender_type: 'contact' | 'agent' | 'workflow' | 'broadcast' | 'api';
  contact_id: string;
  channel: string;
  message_type: string;
  content: string;
  status?: 'sent' | 'delivered' | 'read' | 'failed';
  failure_reason?: string;
}

const MESSAGING = new Set(['chat', 'message', 'email']);

const OPENINGS: Record<string, readonly string[]> = {
  'Billing inquiry': [
    'Bonjour, je ne comprends pas le montant de ma dernière facture.',
    'Bonjour, j’ai été prélevé deux fois ce mois-ci.',
    'Pouvez-vous m’envoyer le détail de ma facture de septembre ?',
  ],
  'Technical support': [
    'Bonjour, ma box ne se connecte plus depuis ce matin.',
    'Je n’arrive plus à me connecter à mon espace client.',
    'Le service est coupé chez moi, que dois-je faire ?',
  ],
  'Product complaint': [
    'Le produit reçu est défectueux, je souhaite un remplacement.',
    'Je suis très déçu de la qualité de service, je veux faire une réclamation.',
  ],
  'Order status': ['Bonjour, où en est ma commande ?', 'Ma commande devait arriver hier, je n’ai rien reçu.'],
};
const GENERIC_OPENINGS: readonly string[] = [
  'Bonjour, j’ai une question sur mon contrat.',
  'Bonjour, pouvez-vous m’aider ?',
  'Je souhaite modifier mes coordonnées.',
];
const AGENT_LINES: readonly string[] = [
  'Bonjour, je regarde votre dossier, un instant s’il vous plaît.',
  'Merci pour ces précisions, je vérifie tout de suite.',
  'Pouvez-vous me confirmer votre numéro client ?',
  'C’est corrigé de notre côté, pouvez-vous vérifier ?',
  'Je vous envoie la procédure par e-mail.',
  'Y a-t-il autre chose que je puisse faire pour vous ?',
];
const CUSTOMER_LINES: readonly string[] = [
  'Oui, voici mon numéro client.',
  'D’accord, merci.',
  'Ça ne fonctionne toujours pas.',
  'Parfait, c’est bon maintenant.',
  'Combien de temps cela va-t-il prendre ?',
  'Merci beaucoup pour votre aide !',
];
const BROADCASTS: readonly string[] = [
  'Nouveau : gérez vos factures depuis l’application mobile.',
  'Maintenance prévue dimanche de 2 h à 5 h, le service pourra être interrompu.',
];
const API_NOTIFICATIONS: readonly string[] = [
  'Votre commande a été expédiée.',
  'Votre rendez-vous technicien est confirmé.',
  'Votre facture est disponible dans votre espace client.',
];
const FAILURES: readonly string[] = [
  'Contact unreachable: the messaging session has expired',
  'Invalid recipient address',
  'Contact opted out',
];

const iso = (t: number): string => new Date(t).toISOString();

function customerOf(record: GenesysConversationRecord): GenesysParticipantRecord | undefined {
  return (
    record.participants.find((p) => p.purpose === 'customer' && p.sessions.length > 0) ??
    record.participants.find((p) => p.purpose === 'external' && p.sessions.length > 0)
  );
}

/** The event log's customer key of a conversation (src/sources/genesys/derive.ts). */
function contactOf(record: GenesysConversationRecord, customer: GenesysParticipantRecord): string | null {
  const session = customer.sessions[0];
  const outbound = (session?.direction ?? record.originatingDirection) === 'outbound';
  const address = outbound ? (session?.dnis ?? session?.addressTo) : (session?.ani ?? session?.addressFrom);
  return customerKey(customer.externalContactId ?? null, address ?? null);
}

/** Collects the messages of the demo conversations, in the order the generator yields them. */
export class DemoMessages {
  private readonly rng: Rng;
  private readonly messages: DemoMessageRecord[] = [];

  /** `extractedAt`: the snapshot time (no message lies at or after it). */
  constructor(
    seed: number,
    private readonly extractedAt: number,
  ) {
    this.rng = new Rng(seed, 'messages');
  }

  add(record: GenesysConversationRecord): void {
    const customer = customerOf(record);
    const media = customer?.sessions[0]?.mediaType;
    if (!customer || media === undefined || !MESSAGING.has(media)) return;
    const contactId = contactOf(record, customer);
    if (contactId === null) return;
    const rng = this.rng;
    const start = Date.parse(record.conversationStart);
    const end = Math.min(
      record.conversationEnd ? Date.parse(record.conversationEnd) : this.extractedAt,
      this.extractedAt,
    );
    const type = record.participants
      .map((p) => p.attributes?.serviceRequestType)
      .find((t) => t !== undefined);
    const messageType = media === 'email' ? 'email' : 'text';
    const conversationId = record.conversationId;
    const push = (
      t: number,
      senderType: DemoMessageRecord['sender_type'],
      senderId: string,
      content: string,
      outbound: boolean,
    ): void => {
      if (t >= end || t >= this.extractedAt) return;
      const failed = outbound && media === 'message' && rng.chance(0.015);
      this.messages.push({
        message_id: rng.uuid(),
        conversation_id: conversationId,
        sent_at: iso(t),
        sender_id: senderId,
        sender_type: senderType,
        contact_id: contactId,
        channel: media,
        message_type: messageType,
        content,
        ...(outbound
          ? failed
            ? { status: 'failed' as const, failure_reason: rng.pick(FAILURES) }
            : { status: rng.weighted(['sent', 'delivered', 'read'] as const, [1, 3, 6]) }
          : {}),
      });
    };

    if (record.originatingDirection !== 'outbound') {
      push(start, 'contact', contactId, rng.pick((type && OPENINGS[type]) || GENERIC_OPENINGS), false);
    }
    if (media !== 'chat' && rng.chance(0.7)) {
      push(
        start + rng.intBetween(1, 4) * SECOND,
        'workflow',
        media === 'email' ? 'workflow:accuse-reception' : 'workflow:accueil',
        media === 'email'
          ? 'Nous avons bien reçu votre message et vous répondrons au plus vite.'
          : 'Merci pour votre message ! Un conseiller va vous répondre.',
        true,
      );
    }
    for (const p of record.participants) {
      if ((p.purpose !== 'agent' && p.purpose !== 'user') || p.userId === undefined) continue;
      for (const s of p.sessions) {
        for (const g of s.segments) {
          if (g.segmentType !== 'interact') continue;
          const from = Date.parse(g.segmentStart);
          const to = Math.min(g.segmentEnd ? Date.parse(g.segmentEnd) : end, end);
          if (media === 'email') {
            push(
              from + Math.round((to - from) * rng.range(0.5, 0.9)),
              'agent',
              p.userId,
              rng.pick(AGENT_LINES),
              true,
            );
            continue;
          }
          let t = from + rng.intBetween(5, 40) * SECOND;
          let agentTurn = true;
          for (let i = 0; i < 8 && t < to; i += 1) {
            if (agentTurn) push(t, 'agent', p.userId, rng.pick(AGENT_LINES), true);
            else push(t, 'contact', contactId, rng.pick(CUSTOMER_LINES), false);
            agentTurn = !agentTurn;
            t += rng.intBetween(20, 150) * SECOND;
          }
        }
      }
    }

    // Notifications outside any conversation, before this one: API (order, appointment, invoice) and broadcasts.
    if (media === 'message' && rng.chance(0.08)) {
      this.notification(
        'api',
        'api:crm',
        contactId,
        start - rng.intBetween(2, 48) * HOUR,
        rng.pick(API_NOTIFICATIONS),
      );
    }
    if (media === 'message' && rng.chance(0.05)) {
      this.notification(
        'broadcast',
        'broadcast:newsletter',
        contactId,
        start - rng.intBetween(60, 7 * 24 * 60) * MINUTE,
        rng.pick(BROADCASTS),
      );
    }
  }

  private notification(
    senderType: 'api' | 'broadcast',
    senderId: string,
    contactId: string,
    t: number,
    content: string,
  ): void {
    const rng = this.rng;
    const failed = rng.chance(0.1);
    this.messages.push({
      message_id: rng.uuid(),
      sent_at: iso(t),
      sender_id: senderId,
      sender_type: senderType,
      contact_id: contactId,
      channel: 'message',
      message_type: 'template',
      content,
      ...(failed
        ? { status: 'failed' as const, failure_reason: rng.pick(FAILURES) }
        : { status: rng.weighted(['delivered', 'read'] as const, [4, 6]) }),
    });
  }

  /** NDJSON of every message, by time then id. */
  ndjson(): string {
    const sorted = [...this.messages].sort((a, b) =>
      a.sent_at < b.sent_at ? -1 : a.sent_at > b.sent_at ? 1 : a.message_id < b.message_id ? -1 : 1,
    );
    return sorted.map((m) => `${JSON.stringify(m)}\n`).join('');
  }
}
