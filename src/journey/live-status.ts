import type { Channel, Interaction, LiveStatus } from './model.ts';

/** Seconds without customer activity after which a messaging interaction is idle, then inactive. */
export const IDLE_AFTER_SECONDS = 45;
export const INACTIVE_AFTER_SECONDS = 60;

/**
 * Channels whose open interactions are live only while the customer is active: web messaging and every
 * other asynchronous messaging channel (chat, SMS, WhatsApp, LINE, X/Twitter, Facebook) and e-mail — none
 * holds a line open, so "not ended" alone says nothing of whether the customer is there. Voice, callback
 * and anything else (workitem, other) are live until they end.
 */
export const ACTIVITY_CHANNELS: ReadonlySet<Channel> = new Set<Channel>([
  'webMessaging',
  'chat',
  'sms',
  'whatsapp',
  'line',
  'twitter',
  'facebook',
  'email',
]);

/**
 * The live status of an interaction at `now` (epoch ms), and when it changes next without new activity:
 * - ended → 'ended';
 * - a messaging interaction not ended: live while less than 45 s have passed since the customer's last
 *   activity (`lastActivityAt`: last inbound message or customer journey event), idle from 45 s, inactive
 *   from 60 s (the next customer event makes it live again: lastActivityAt moves);
 * - any other interaction not ended (voice, callback…): live.
 */
export function liveStatus(
  interaction: Pick<Interaction, 'channel' | 'endedAt' | 'lastActivityAt'>,
  now: number,
): LiveStatus {
  if (interaction.endedAt !== null) return { state: 'ended', changesAt: null };
  if (!ACTIVITY_CHANNELS.has(interaction.channel)) return { state: 'live', changesAt: null };
  const last = Date.parse(interaction.lastActivityAt);
  const idleAt = last + IDLE_AFTER_SECONDS * 1000;
  const inactiveAt = last + INACTIVE_AFTER_SECONDS * 1000;
  if (now < idleAt) return { state: 'live', changesAt: new Date(idleAt).toISOString() };
  if (now < inactiveAt) return { state: 'idle', changesAt: new Date(inactiveAt).toISOString() };
  return { state: 'inactive', changesAt: null };
}
