import { activityLabel, activityOrder } from '../eventlog/activities.ts';
import type { EventLogRow } from '../eventlog/attributes.ts';
import { type ExportOptions, integerText, isoTime, numberText, openTextSink } from './xes.ts';

/** OCEL 2.0 attribute types (specification §8, JSON format). */
type OcelAttributeType = 'string' | 'time' | 'integer' | 'float' | 'boolean';

interface TypeAttribute {
  name: string;
  type: OcelAttributeType;
}
interface Relationship {
  objectId: string;
  qualifier: string;
}

/**
 * The spec's convention for a value that holds from the start (static attributes): the epoch.
 * A value that later differs is recorded with the EventTime of the row where it was seen.
 */
const STATIC_TIME = '1970-01-01T00:00:00Z';

export const OBJECT_TYPES: ReadonlyArray<{ name: string; attributes: TypeAttribute[] }> = [
  {
    name: 'service_request',
    attributes: [
      { name: 'ServiceRequestType', type: 'string' },
      { name: 'SlaTargetResolutionTime', type: 'float' },
      { name: 'ServiceResolutionTime', type: 'float' },
      { name: 'IsSlaCompliant', type: 'boolean' },
      { name: 'IsReopened', type: 'boolean' },
      { name: 'IsFirstContactResolution', type: 'boolean' },
      { name: 'CustomerSatisfactionScore', type: 'integer' },
    ],
  },
  { name: 'conversation', attributes: [{ name: 'MediaType', type: 'string' }] },
  { name: 'agent', attributes: [{ name: 'AgentName', type: 'string' }] },
  { name: 'queue', attributes: [{ name: 'QueueName', type: 'string' }] },
];

const EVENT_ATTRIBUTES: TypeAttribute[] = [
  { name: 'EventEndTime', type: 'time' },
  { name: 'Duration', type: 'float' },
  { name: 'SourceSystem', type: 'string' },
  { name: 'WrapUpCode', type: 'string' },
  { name: 'MediaType', type: 'string' },
];

/** Qualifiers of the event-to-object and object-to-object relationships. */
export const QUALIFIERS = {
  serviceRequest: 'case',
  conversation: 'conversation',
  agent: 'agent',
  queue: 'queue',
  conversationOfRequest: 'part of',
} as const;

/** Object ids are prefixed by their type so that ids of different types cannot clash. */
export const objectId = {
  serviceRequest: (id: string) => `service_request:${id}`,
  conversation: (id: string) => `conversation:${id}`,
  agent: (agentId: string) => `agent:${agentId}`,
  queue: (queueName: string) => `queue:${queueName}`,
};

class OcelObject {
  readonly attributes: { name: string; value: string; time: string }[] = [];
  readonly relationships: Relationship[] = [];
  private readonly last = new Map<string, string>();
  private readonly related = new Set<string>();

  constructor(
    readonly id: string,
    readonly type: string,
  ) {}

  /** Records a value: the first one as static, a later different one as a change at `time`. */
  set(name: string, value: string | null, time: string): void {
    if (value === null) return;
    const previous = this.last.get(name);
    if (previous === value) return;
    this.attributes.push({ name, value, time: previous === undefined ? STATIC_TIME : time });
    this.last.set(name, value);
  }

  relate(target: string, qualifier: string): void {
    const key = `${qualifier}\u0000${target}`;
    if (this.related.has(key)) return;
    this.related.add(key);
    this.relationships.push({ objectId: target, qualifier });
  }

  toJSON() {
    return { id: this.id, type: this.type, attributes: this.attributes, relationships: this.relationships };
  }
}

const bool = (value: boolean | null): string | null => (value === null ? null : String(value));

/**
 * Writes OCEL 2.0 JSON (top-level `objectTypes`, `events`, `eventTypes`, `objects`).
 *
 * Object types service_request, conversation, agent, queue; one event per row (ids `e1`, `e2`… in
 * row order) related to its service request, conversation, agent and queue when present; each
 * conversation is related to its service request(s) ("part of"). The events array is streamed;
 * objects and event types are collected in memory and written at the end.
 *
 * Attribute values are written as strings, as the published OCEL 2.0 JSON schema requires; their
 * types are declared in `eventTypes` / `objectTypes`. Null values are omitted.
 */
export async function writeOcel(
  rows: AsyncIterable<EventLogRow>,
  out: NodeJS.WritableStream | string,
  options: ExportOptions,
): Promise<{ events: number; objects: number }> {
  const sink = openTextSink(out);
  const objects = new Map<string, OcelObject>();
  /** Event type (label in the chosen language) to its activity name, for ordering. */
  const eventTypes = new Map<string, string>();
  let events = 0;

  const object = (id: string, type: string): OcelObject => {
    let found = objects.get(id);
    if (found === undefined) {
      found = new OcelObject(id, type);
      objects.set(id, found);
    }
    return found;
  };

  try {
    await sink.write(`{\n"objectTypes": ${JSON.stringify(OBJECT_TYPES)},\n"events": [`);
    for await (const row of rows) {
      const time = isoTime(row.EventTime);
      if (time === null) {
        throw new TypeError(
          `row ${events + 1} (${row.ServiceRequest}): EventTime is not a time: ${row.EventTime}`,
        );
      }
      const type = activityLabel(row.ActivityName, options.lang);
      if (!eventTypes.has(type)) eventTypes.set(type, row.ActivityName);

      const relationships: Relationship[] = [];
      const request = object(objectId.serviceRequest(row.ServiceRequest), 'service_request');
      request.set('ServiceRequestType', row.ServiceRequestType, time);
      request.set('SlaTargetResolutionTime', numberText(row.SlaTargetResolutionTime), time);
      request.set('ServiceResolutionTime', numberText(row.ServiceResolutionTime), time);
      request.set('IsSlaCompliant', bool(row.IsSlaCompliant), time);
      request.set('IsReopened', bool(row.IsReopened), time);
      request.set('IsFirstContactResolution', bool(row.IsFirstContactResolution), time);
      request.set('CustomerSatisfactionScore', integerText(row.CustomerSatisfactionScore), time);
      relationships.push({ objectId: request.id, qualifier: QUALIFIERS.serviceRequest });

      if (row.ConversationId !== null) {
        const conversation = object(objectId.conversation(row.ConversationId), 'conversation');
        conversation.set('MediaType', row.MediaType, time);
        conversation.relate(request.id, QUALIFIERS.conversationOfRequest);
        relationships.push({ objectId: conversation.id, qualifier: QUALIFIERS.conversation });
      }
      if (row.AgentId !== null) {
        const agent = object(objectId.agent(row.AgentId), 'agent');
        agent.set('AgentName', row.AgentName, time);
        relationships.push({ objectId: agent.id, qualifier: QUALIFIERS.agent });
      }
      if (row.QueueName !== null) {
        const queue = object(objectId.queue(row.QueueName), 'queue');
        queue.set('QueueName', row.QueueName, time);
        relationships.push({ objectId: queue.id, qualifier: QUALIFIERS.queue });
      }

      const attributes: { name: string; value: string }[] = [];
      const add = (name: string, value: string | null): void => {
        if (value !== null) attributes.push({ name, value });
      };
      add('EventEndTime', isoTime(row.EventEndTime));
      add('Duration', numberText(row.Duration));
      add('SourceSystem', row.SourceSystem);
      add('WrapUpCode', row.WrapUpCode);
      add('MediaType', row.MediaType);

      events += 1;
      const json = JSON.stringify({ id: `e${events}`, type, time, attributes, relationships });
      await sink.write(`${events === 1 ? '\n' : ',\n'}${json}`);
    }

    // Event types in the domain guide's activity order (unknown activities last, by first appearance).
    const types = [...eventTypes]
      .map(([name, activity], seen) => ({ name, rank: activityOrder(activity), seen }))
      .sort((a, b) => a.rank - b.rank || a.seen - b.seen)
      .map(({ name }) => ({ name, attributes: EVENT_ATTRIBUTES }));
    await sink.write(`\n],\n"eventTypes": ${JSON.stringify(types)},\n"objects": [`);
    let first = true;
    for (const o of objects.values()) {
      await sink.write(`${first ? '\n' : ',\n'}${JSON.stringify(o)}`);
      first = false;
    }
    await sink.write('\n]\n}\n');
    await sink.close();
  } catch (error) {
    sink.abort();
    throw error;
  }
  return { events, objects: objects.size };
}
