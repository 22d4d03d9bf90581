import { z } from 'zod';
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
    const senderId =
      senderType === 'contact'
        ? (context.contactId ?? participant.externalContact?.id ?? null)
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
