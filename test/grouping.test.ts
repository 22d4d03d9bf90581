import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { type ConversationFacts, type Directory, groupConversations } from '../src/eventlog/index.ts';

const config = parseConfig({ eventlog: { unresolvedWrapUpCodes: ['Escalated'] } }).eventlog;
const directory: Directory = { users: new Map(), queues: new Map(), wrapUpCodes: new Map() };
const t = (hm: string, day = '2024-05-21'): number => Date.parse(`${day}T${hm}:00.000Z`);

function conversation(
  id: string,
  start: number,
  end: number,
  wrapUp: string | null,
  extra: Partial<ConversationFacts> = {},
): ConversationFacts {
  return {
    conversationId: id,
    start,
    end,
    mediaType: 'voice',
    customerKey: 'address:+33612345678',
    explicitCaseId: null,
    requestTypeAttribute: 'Billing inquiry',
    wrapUpCode: wrapUp,
    wrapUpTime: wrapUp === null ? null : end,
    firstQueueId: null,
    transferred: false,
    handled: wrapUp !== null,
    talkMs: 0,
    holdMs: 0,
    acwMs: 0,
    ...extra,
  };
}

const group = (facts: ConversationFacts[], known = new Map<string, string>()) =>
  groupConversations(facts, [], known, config, directory);

describe('case grouping', () => {
  it('an abandoned call overlapping a resolving one does not unresolve the case', () => {
    const g = group([
      conversation('ov-1', t('09:00'), t('09:21'), 'Resolved'),
      conversation('ov-2', t('09:05'), t('09:08'), null),
    ]);
    expect(g.cases).toHaveLength(1);
    const [c] = g.cases;
    expect(c?.resolvedAt).toBe(t('09:21'));
    expect(c?.serviceResolutionTime).toBe(21 * 60);
    expect(c?.reopened).toBe(false);
    expect(g.reopens).toEqual([]);
  });

  it('the latest wrap-up decides: an escalation after the resolution leaves the case open', () => {
    const g = group([
      conversation('a', t('09:00'), t('09:30'), 'Escalated'),
      conversation('b', t('09:05'), t('09:20'), 'Resolved'),
    ]);
    expect(g.cases[0]?.resolvedAt).toBeNull();
    const g2 = group([
      conversation('a', t('09:00'), t('09:10'), 'Escalated'),
      conversation('b', t('09:05'), t('09:20'), 'Resolved'),
    ]);
    expect(g2.cases[0]?.resolvedAt).toBe(t('09:20'));
  });

  it('a repeat contact after resolution reopens; an abandoned one leaves the case open', () => {
    const g = group([
      conversation('a', t('09:00'), t('09:10'), 'Resolved'),
      conversation('b', t('10:00', '2024-05-22'), t('10:02', '2024-05-22'), null),
    ]);
    expect(g.cases).toHaveLength(1);
    expect(g.reopens).toEqual([{ conversationId: 'b', time: t('10:00', '2024-05-22') }]);
    expect(g.cases[0]?.reopened).toBe(true);
    expect(g.cases[0]?.resolvedAt).toBeNull();
    expect(g.cases[0]?.firstContactResolution).toBe(false);
  });

  it('never renames a case when an earlier conversation of it arrives later', () => {
    const later = conversation('rn-2', t('10:00', '2024-03-06'), t('10:10', '2024-03-06'), 'Resolved');
    const first = group([later]);
    expect(first.cases[0]?.id).toBe('SR-20240306-00001');
    const earlier = conversation('rn-1', t('10:00', '2024-03-05'), t('10:01', '2024-03-05'), null);
    const second = group([earlier, later], first.newIds);
    expect(second.cases).toHaveLength(1);
    expect(second.cases[0]?.id).toBe('SR-20240306-00001');
    expect(second.cases[0]?.firstConversationId).toBe('rn-1');
    // Remembered under its new first conversation too, so a third run keeps it.
    const known = new Map([...first.newIds, ...second.newIds]);
    expect(group([earlier, later], known).cases[0]?.id).toBe('SR-20240306-00001');
  });

  it('numbers new cases per day after the highest id in use', () => {
    const known = new Map([['old', 'SR-20240521-00007']]);
    const g = group(
      [
        conversation('x', t('09:00'), t('09:10'), 'Resolved', { customerKey: 'address:1' }),
        conversation('y', t('11:00'), t('11:10'), 'Resolved', { customerKey: 'address:2' }),
      ],
      known,
    );
    expect(g.cases.map((c) => c.id)).toEqual(['SR-20240521-00008', 'SR-20240521-00009']);
  });
});
