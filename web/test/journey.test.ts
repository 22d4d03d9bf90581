import { describe, expect, it } from 'vitest';
import {
  applyStatuses,
  conversationJourneyPath,
  customerPath,
  type Interaction,
  type InteractionStatus,
  journeyLiveUrl,
  journeyUrl,
  parseStatusEvent,
} from '../src/journey.ts';

function interaction(id: string, status: InteractionStatus): Interaction {
  return {
    id,
    kind: 'conversation',
    channel: 'webMessaging',
    direction: 'inbound',
    agentless: false,
    startedAt: '2026-03-02T09:00:00.000Z',
    endedAt: null,
    lastActivityAt: '2026-03-02T09:00:00.000Z',
    status,
    queue: null,
    agent: null,
    transferred: false,
    path: null,
    wrapUpCode: null,
    durationSeconds: null,
    csat: null,
    serviceRequest: null,
    title: null,
    details: null,
    masked: { queue: false, wrapUpCode: false },
  };
}

describe('journey URLs', () => {
  it('encode the customer id (an identifier key) as one path segment', () => {
    expect(customerPath('phone:+33612345678')).toBe('/customers/phone%3A%2B33612345678');
    expect(journeyUrl('contact:a/b')).toBe('/api/v1/customers/contact%3Aa%2Fb/journey');
    expect(journeyLiveUrl('email:a@b.fr')).toBe('/api/v1/customers/email%3Aa%40b.fr/journey/live');
  });

  it('send the case view to the page that resolves a conversation’s customer, keeping the language', () => {
    expect(conversationJourneyPath('c-1 2')).toBe('/customers?conversationId=c-1+2');
    expect(conversationJourneyPath('c1', { lang: 'fr' })).toBe('/customers?conversationId=c1&lang=fr');
  });
});

describe('applyStatuses', () => {
  const live: InteractionStatus = { state: 'live', changesAt: '2026-03-02T09:00:45.000Z' };
  const idle: InteractionStatus = { state: 'idle', changesAt: '2026-03-02T09:01:00.000Z' };

  it('replaces the status of the interactions a status event named, and only theirs', () => {
    const items = [interaction('a', live), interaction('b', live)];
    const shown = applyStatuses(items, new Map([['b', idle]]));
    expect(shown.map((i) => [i.id, i.status.state])).toEqual([
      ['a', 'live'],
      ['b', 'idle'],
    ]);
    expect(items[1]?.status).toBe(live);
  });

  it('keeps the answer’s order and ignores events for unknown interactions', () => {
    const items = [interaction('a', live)];
    expect(applyStatuses(items, new Map([['zzz', idle]]))).toEqual(items);
  });
});

describe('parseStatusEvent', () => {
  it('reads a status event', () => {
    expect(parseStatusEvent('{"id":"c1","status":{"state":"inactive","changesAt":null}}')).toEqual({
      id: 'c1',
      status: { state: 'inactive', changesAt: null },
    });
  });

  it('ignores what is not one', () => {
    expect(parseStatusEvent('not json')).toBeNull();
    expect(parseStatusEvent('{"id":"c1","status":{"state":"asleep","changesAt":null}}')).toBeNull();
    expect(parseStatusEvent('{"id":1,"status":{"state":"live","changesAt":null}}')).toBeNull();
    expect(parseStatusEvent('{"id":"c1","status":{"state":"live","changesAt":5}}')).toBeNull();
    expect(parseStatusEvent('{"id":"c1"}')).toBeNull();
  });
});
