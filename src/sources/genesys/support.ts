import type { GenesysConversation } from './schema.ts';

const AGENT_PURPOSES = new Set(['agent', 'user']);
const HANDLE_METRICS = new Set(['tTalk', 'tHeld', 'tAcw']);
const HANDLE_SEGMENTS = new Set(['interact', 'hold', 'wrapup']);

/** What a support conversation needs from a Genesys record beyond the case-grouping facts. */
export interface GenesysSupportFacts {
  originatingDirection: string | null;
  /** The note of the latest wrap-up that has one (time: segmentEnd, else segmentStart). */
  wrapUpNote: string | null;
  /**
   * Handle time in ms: per agent session, its tTalk + tHeld + tAcw metrics when it carries any of them,
   * else its interact + hold + wrapup segment spans; null when no agent session has either.
   */
  handleMs: number | null;
}

export function genesysSupportFacts(record: GenesysConversation): GenesysSupportFacts {
  let note: { text: string; time: number } | null = null;
  let handleMs: number | null = null;
  for (const participant of record.participants) {
    if (!AGENT_PURPOSES.has(participant.purpose)) continue;
    for (const session of participant.sessions) {
      const metrics = (session.metrics ?? []).filter((m) => HANDLE_METRICS.has(m.name));
      let sessionMs: number | null = null;
      if (metrics.length > 0) sessionMs = metrics.reduce((sum, m) => sum + m.value, 0);
      for (const segment of session.segments) {
        const start = Date.parse(segment.segmentStart);
        const end = segment.segmentEnd ? Date.parse(segment.segmentEnd) : null;
        if (metrics.length === 0 && segment.segmentType && HANDLE_SEGMENTS.has(segment.segmentType)) {
          sessionMs = (sessionMs ?? 0) + (end === null ? 0 : end - start);
        }
        const text = segment.wrapUpNote?.trim();
        if (text) {
          const time = end ?? start;
          if (note === null || time >= note.time) note = { text, time };
        }
      }
      if (sessionMs !== null) handleMs = (handleMs ?? 0) + sessionMs;
    }
  }
  return {
    originatingDirection: record.originatingDirection ?? null,
    wrapUpNote: note?.text ?? null,
    handleMs,
  };
}
