import { describe, expect, it } from 'vitest';
import { CHANNELS, type Channel, liveStatus } from '../src/journey/index.ts';

/** The live status rules (README "Customer journey"), with the clock injected: `now` is an argument. */

const T0 = Date.parse('2026-10-31T10:00:00.000Z');
const at = (seconds: number) => T0 + seconds * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

const open = (channel: Channel, lastActivitySecond = 0) => ({
  channel,
  endedAt: null,
  lastActivityAt: iso(at(lastActivitySecond)),
});

describe('liveStatus', () => {
  it('web messaging: live until 44 s after the customer’s last activity, idle at 45 s and 59 s, inactive at 60 s', () => {
    const chat = open('webMessaging');
    expect(liveStatus(chat, at(0))).toEqual({ state: 'live', changesAt: iso(at(45)) });
    expect(liveStatus(chat, at(44))).toEqual({ state: 'live', changesAt: iso(at(45)) });
    expect(liveStatus(chat, at(45))).toEqual({ state: 'idle', changesAt: iso(at(60)) });
    expect(liveStatus(chat, at(59))).toEqual({ state: 'idle', changesAt: iso(at(60)) });
    expect(liveStatus(chat, at(60))).toEqual({ state: 'inactive', changesAt: null });
    expect(liveStatus(chat, at(3600))).toEqual({ state: 'inactive', changesAt: null });
  });

  it('the boundaries are exact to the millisecond', () => {
    const chat = open('webMessaging');
    expect(liveStatus(chat, at(45) - 1).state).toBe('live');
    expect(liveStatus(chat, at(60) - 1).state).toBe('idle');
  });

  it('a new customer activity makes an inactive conversation live again', () => {
    expect(liveStatus(open('webMessaging', 0), at(70)).state).toBe('inactive');
    expect(liveStatus(open('webMessaging', 70), at(70))).toEqual({ state: 'live', changesAt: iso(at(115)) });
    expect(liveStatus(open('webMessaging', 70), at(114)).state).toBe('live');
    expect(liveStatus(open('webMessaging', 70), at(115)).state).toBe('idle');
  });

  it('an activity slightly ahead of the server clock counts as live', () => {
    expect(liveStatus(open('webMessaging', 10), at(0))).toEqual({ state: 'live', changesAt: iso(at(55)) });
  });

  it('voice and callback are live until they end, whatever the time', () => {
    for (const channel of ['voice', 'callback'] as const) {
      for (const second of [0, 44, 45, 59, 60, 86_400]) {
        expect(liveStatus(open(channel), at(second))).toEqual({ state: 'live', changesAt: null });
      }
    }
  });

  it('the other messaging channels and e-mail follow the web-messaging rule; workitem and other do not', () => {
    for (const channel of ['chat', 'sms', 'whatsapp', 'line', 'twitter', 'facebook', 'email'] as const) {
      expect(liveStatus(open(channel), at(44)).state, channel).toBe('live');
      expect(liveStatus(open(channel), at(45)).state, channel).toBe('idle');
      expect(liveStatus(open(channel), at(60)).state, channel).toBe('inactive');
    }
    for (const channel of ['workitem', 'other'] as const)
      expect(liveStatus(open(channel), at(60)).state, channel).toBe('live');
  });

  it('an ended interaction is ended on every channel, at any time', () => {
    for (const channel of CHANNELS) {
      const ended = { channel, endedAt: iso(at(30)), lastActivityAt: iso(at(30)) };
      expect(liveStatus(ended, at(31))).toEqual({ state: 'ended', changesAt: null });
      expect(liveStatus(ended, at(0))).toEqual({ state: 'ended', changesAt: null });
    }
  });
});
