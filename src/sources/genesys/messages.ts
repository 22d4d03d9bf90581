import { z } from 'zod';
import { normalizeAddress } from '../../eventlog/index.ts';
import type { Pseudonymizer } from '../../privacy/index.ts';
import { outboundSourceOf, type SenderType } from '../../reports/definitions.ts';
import type { GenesysMessageRow } from '../../store/index.ts';

/**
 * Messages of Genesys messaging conversations (media type `message`: web messaging, SMS, WhatsApp, social…)
 * as the Conversations API gives them: GET /api/v2/conversations/messages/{conversationId} returns a
 * MessageConversation whose participants (MessageMediaParticipant: purpose, user, name…) each carry
 * `messages`, a list of MessageDetails (messageId, messageTime, messageStatus, messageSegmentCount, media,
 * messageMetadata, errorInfo). The message bodies are not in it (they are read one by one elsewhere, and
 * Caseflow does not read them): content stays empty.
 *
 * Objects are loose and read leniently: a participant or a message that lacks what is needed (a message id,
 * a valid time) is skipped and counted, never a failure of the run.
 */

const isoDateTime = z.iso.datetime({ offset: true });

const messageDetailsSchema = z.looseObject({
  messageId: z.string().min(1),
  messageTime: isoDateTime,
  /** queued | sent | failed | received | delivery-success | delivery-failed | read | removed | published */
  messageStatus: z.string().optional(),
  messageSegmentCount: z.number().optional(),
  media: z.array(z.unknown()).optional(),
  messageMetadata: z.looseObject({ type: z.string().optional() }).optional(),
  errorInfo: z
    .looseObject({ message: z.string().optional(), code: z.string().optional(), status: z.unknown() })
    .optional(),
});

const participantSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  purpose: z.string().optional(),
  user: z.looseObject({ id: z.string() }).optional(),
  externalContact: z.looseObject({ id: z.string() }).optional(),
  messages: z.array(z.unknown()).default([]),
});

/** The part of a MessageConversation the connector relies on; participants are parsed one by one. */
export const messageConversationSchema = z.looseObject({
  id: z.string().min(1),
  participants: z.array(z.unknown()).default([]),
});

export type MessageConversation = z.infer<typeof messageConversationSchema>;

/** What a message row needs from its conversation (the analytics record's derivation). */
export interface MessageContext {
  conversationId: string;
  /** The conversation's media type (`message`). */
  channel: string | null;
  /** The event log's customer key of the conversation: contact_id, and the sender of inbound messages. */
  contactId: string | null;
  sourceSystem: string;
  /**
   * privacy.pseudonymize: the customer's addresses and contact ids are compared and stored as pseudonyms
   * (the stored record's are). Message content is not read from Genesys; imported content is kept as given.
   */
  pseudonymizer?: Pseudonymizer | null;
}

/**
 * Who sent the messages of a participant, by its purpose: the customer (customer, external) is the contact
 * (inbound); agent and user are agents (outbound, source agent, sender = the user id); a bot is a bot
 * (source workflow); a campaign is a broadcast; api and outbound (agentless messages) are the API; any
 * other purpose (workflow, ivr, acd, …: Architect flows) is a workflow.
 */
export function senderTypeOfPurpose(purpose: string | undefined): SenderType {
  switch (purpose) {
    case 'customer':
    case 'external':
      return 'contact';
    case 'agent':
    case 'user':
      return 'agent';
    case 'bot':
    case 'botflow':
      return 'bot';
    case 'campaign':
      return 'broadcast';
    case 'api':
    case 'outbound':
      return 'api';
    default:
      return 'workflow';
  }
}

/**
 * A MessageDetails status as a support message status: queued and sent → sent; delivery-success → delivered;
 * received (an inbound message that reached Genesys) → delivered; read → read; failed and delivery-failed →
 * failed; anything else → sent.
 */
export function messageStatusOf(status: string | undefined): 'sent' | 'delivered' | 'read' | 'failed' {
  switch (status) {
    case 'delivery-success':
    case 'received':
      return 'delivered';
    case 'read':
      return 'read';
    case 'failed':
    case 'delivery-failed':
      return 'failed';
    default:
      return 'sent';
  }
}

/** Metadata types that are not messages of the conversation: typing and presence events, read receipts. */
const NOT_MESSAGES = new Set(['event', 'receipt']);

/**
 * The support message rows of a MessageConversation. A message listed under several participants is kept
 * once, from the first of them that is not the customer (so that a customer participant listing the whole
 * exchange does not turn the agents' messages into inbound ones).
 */
export function genesysMessageRows(
  conversation: MessageConversation,
  context: MessageContext,
): { rows: GenesysMessageRow[]; skipped: number } {
  const participants = conversation.participants.flatMap((value) => {
    const parsed = participantSchema.safeParse(value);
    return parsed.success ? [parsed.data] : [];
  });
  // A participant that cannot be read counts as one skipped item (its messages are unknown).
  let skipped = conversation.participants.length - participants.length;
  const ordered = [
    ...participants.filter((p) => senderTypeOfPurpose(p.purpose) !== 'contact'),
    ...participants.filter((p) => senderTypeOfPurpose(p.purpose) === 'contact'),
  ];
  const rows = new Map<string, GenesysMessageRow>();
  for (const participant of ordered) {
    const senderType = senderTypeOfPurpose(participant.purpose);
    const externalContact = participant.externalContact?.id;
    const senderId =
      senderType === 'contact'
        ? (context.contactId ??
          (externalContact && context.pseudonymizer
            ? context.pseudonymizer.contact(externalContact)
            : (externalContact ?? null)))
        : senderType === 'agent'
          ? (participant.user?.id ?? null)
          : (participant.name ?? null);
    for (const value of participant.messages) {
      const parsed = messageDetailsSchema.safeParse(value);
      if (!parsed.success) {
        skipped += 1;
        continue;
      }
      const m = parsed.data;
      const metadataType = m.messageMetadata?.type?.toLowerCase();
      if (metadataType !== undefined && NOT_MESSAGES.has(metadataType)) continue;
      if (rows.has(m.messageId)) continue;
      const status = messageStatusOf(m.messageStatus);
      rows.set(m.messageId, {
        messageId: m.messageId,
        conversationId: context.conversationId,
        sentAt: Date.parse(m.messageTime),
        direction: senderType === 'contact' ? 'inbound' : 'outbound',
        senderId,
        senderType,
        source: outboundSourceOf(senderType),
        contactId: context.contactId,
        channel: context.channel,
        messageType: m.media?.length ? 'media' : (metadataType ?? 'text'),
        status,
        failureReason:
          status === 'failed'
            ? (m.errorInfo?.message ?? m.errorInfo?.code ?? m.messageStatus ?? 'failed')
            : null,
        sourceSystem: context.sourceSystem,
      });
    }
  }
  return {
    rows: [...rows.values()].sort((a, b) => a.sentAt - b.sentAt || (a.messageId < b.messageId ? -1 : 1)),
    skipped,
  };
}

// ---------------------------------------------------------------------------------------------------------
// E-mail conversations

/**
 * The messages of a Genesys e-mail conversation as GET /api/v2/conversations/emails/{conversationId}/messages
 * gives them: `entities`, each an e-mail message (EmailMessagePreview, formerly EmailMessage: id, from
 * {email, name}, to/cc/bcc, subject, attachments, time, textBodyPreview…). Neither the addresses beyond the
 * sender, the subject nor the bodies are stored; content stays empty.
 */
export const emailMessageListingSchema = z.looseObject({
  entities: z.array(z.unknown()).default([]),
});

export type EmailMessageListing = z.infer<typeof emailMessageListingSchema>;

const emailMessageSchema = z.looseObject({
  id: z.string().min(1),
  time: isoDateTime,
  from: z.looseObject({ email: z.string().min(1), name: z.string().optional() }),
});

/** One agent's time in the conversation, from the analytics record's segments. */
interface AgentSpan {
  userId: string;
  start: number;
  end: number;
  interact: boolean;
}

/** What the analytics record tells about an e-mail conversation's parties. */
export interface EmailParties {
  /** The customer's addresses (normalized): a message from one of them is inbound. */
  customerAddresses: ReadonlySet<string>;
  agents: readonly AgentSpan[];
}

const recordSchema = z.looseObject({
  originatingDirection: z.string().optional(),
  participants: z
    .array(
      z.looseObject({
        purpose: z.string().optional(),
        userId: z.string().optional(),
        sessions: z
          .array(
            z.looseObject({
              direction: z.string().optional(),
              ani: z.string().optional(),
              dnis: z.string().optional(),
              addressFrom: z.string().optional(),
              addressTo: z.string().optional(),
              addressOther: z.string().optional(),
              remote: z.string().optional(),
              segments: z
                .array(
                  z.looseObject({
                    segmentStart: isoDateTime,
                    segmentEnd: isoDateTime.optional(),
                    segmentType: z.string().optional(),
                  }),
                )
                .default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

/**
 * The parties of an e-mail conversation from its analytics record: the customer's address of each customer
 * (or external) session, read as the customer key reads it (inbound: ani, addressFrom, addressOther,
 * remote; outbound: dnis, addressTo, addressOther), and each agent's (purpose agent or user) segments.
 */
export function emailPartiesOf(record: unknown): EmailParties {
  const parsed = recordSchema.safeParse(record);
  const customerAddresses = new Set<string>();
  const agents: AgentSpan[] = [];
  if (!parsed.success) return { customerAddresses, agents };
  for (const p of parsed.data.participants) {
    const customer = p.purpose === 'customer' || p.purpose === 'external';
    const agent = (p.purpose === 'agent' || p.purpose === 'user') && p.userId !== undefined;
    for (const s of p.sessions) {
      if (customer) {
        const outbound = (s.direction ?? parsed.data.originatingDirection) === 'outbound';
        const address = outbound
          ? (s.dnis ?? s.addressTo ?? s.addressOther)
          : (s.ani ?? s.addressFrom ?? s.addressOther ?? s.remote);
        const normalized = address ? normalizeAddress(address) : null;
        if (normalized) customerAddresses.add(normalized);
      }
      if (agent && p.userId) {
        for (const g of s.segments) {
          agents.push({
            userId: p.userId,
            start: Date.parse(g.segmentStart),
            end: g.segmentEnd ? Date.parse(g.segmentEnd) : Number.POSITIVE_INFINITY,
            interact: g.segmentType === 'interact',
          });
        }
      }
    }
  }
  agents.sort((a, b) => a.start - b.start || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return { customerAddresses, agents };
}

/**
 * The agent of the conversation at `t`: the one whose segment holds it (an interact segment first, then the
 * latest started), else the last agent of the conversation; null without any.
 */
export function agentAt(agents: readonly AgentSpan[], t: number): string | null {
  const holding = agents.filter((a) => a.start <= t && t <= a.end);
  const best = holding.filter((a) => a.interact).at(-1) ?? holding.at(-1) ?? agents.at(-1);
  return best?.userId ?? null;
}

/**
 * The support message rows of an e-mail conversation: a message from one of the customer's addresses is
 * inbound, sent by the contact (status delivered); any other is outbound, sent by the conversation's agent
 * at its time (sender type agent, status sent) — by a workflow (an automatic reply) when the conversation
 * had no agent. Message type `email`. A message without id, valid time or sender address is skipped and
 * counted; so are all of them when the record names no customer address (their direction is unknown).
 */
export function emailMessageRows(
  listing: EmailMessageListing,
  context: MessageContext & { parties: EmailParties },
): { rows: GenesysMessageRow[]; skipped: number } {
  const rows = new Map<string, GenesysMessageRow>();
  let skipped = 0;
  const { customerAddresses, agents } = context.parties;
  for (const value of listing.entities) {
    const parsed = emailMessageSchema.safeParse(value);
    if (!parsed.success || customerAddresses.size === 0) {
      skipped += 1;
      continue;
    }
    const m = parsed.data;
    if (rows.has(m.id)) continue;
    const sentAt = Date.parse(m.time);
    const from = context.pseudonymizer
      ? context.pseudonymizer.address(m.from.email)
      : normalizeAddress(m.from.email);
    const inbound = customerAddresses.has(from ?? '');
    const agentId = inbound ? null : agentAt(agents, sentAt);
    const senderType: SenderType = inbound ? 'contact' : agentId !== null ? 'agent' : 'workflow';
    rows.set(m.id, {
      messageId: m.id,
      conversationId: context.conversationId,
      sentAt,
      direction: inbound ? 'inbound' : 'outbound',
      senderId: inbound ? context.contactId : agentId,
      senderType,
      source: outboundSourceOf(senderType),
      contactId: context.contactId,
      channel: context.channel,
      messageType: 'email',
      status: inbound ? 'delivered' : 'sent',
      failureReason: null,
      sourceSystem: context.sourceSystem,
    });
  }
  return {
    rows: [...rows.values()].sort((a, b) => a.sentAt - b.sentAt || (a.messageId < b.messageId ? -1 : 1)),
    skipped,
  };
}
