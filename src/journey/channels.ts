import { CHANNELS, type Channel } from './model.ts';

/** Genesys message types (the customer session's messageType of a `message` conversation). */
const MESSAGE_TYPES: Record<string, Channel> = {
  webmessaging: 'webMessaging',
  sms: 'sms',
  whatsapp: 'whatsapp',
  line: 'line',
  twitter: 'twitter',
  facebook: 'facebook',
};

/** Other spellings of channel names in imported support data and journey events. */
const ALIASES: Record<string, Channel> = {
  call: 'voice',
  phone: 'voice',
  'web messaging': 'webMessaging',
  'web-messaging': 'webMessaging',
  web_messaging: 'webMessaging',
  livechat: 'chat',
  webchat: 'chat',
  mail: 'email',
  'e-mail': 'email',
  x: 'twitter',
  messenger: 'facebook',
  work_item: 'workitem',
};

const BY_NAME = new Map<string, Channel>([
  ...CHANNELS.map((c): [string, Channel] => [c.toLowerCase(), c]),
  ...Object.entries(MESSAGE_TYPES),
  ...Object.entries(ALIASES),
]);

/**
 * The channel of a conversation from its Genesys media type and, for messages, message type (web messaging,
 * SMS, WhatsApp, LINE, X/Twitter, Facebook; other message types — Instagram, Open messaging… — are 'other').
 */
export function channelOf(mediaType: string | null, messageType: string | null): Channel {
  const media = mediaType?.trim().toLowerCase() ?? '';
  if (media === 'message') return MESSAGE_TYPES[messageType?.trim().toLowerCase() ?? ''] ?? 'other';
  return channelNamed(media);
}

/** A channel given by name (imported support data, journey events): its usual spellings; else 'other'. */
export function channelNamed(name: string | null): Channel {
  return BY_NAME.get(name?.trim().toLowerCase() ?? '') ?? 'other';
}

/** Whether a name is one of the channels (or a usual spelling of one). */
export function isChannelName(name: string): boolean {
  return BY_NAME.has(name.trim().toLowerCase());
}
