import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryPages, validateXML } from 'xmllint-wasm';
import { activityLabel } from '../src/eventlog/activities.ts';
import type { EventLogRow } from '../src/eventlog/attributes.ts';
import { writeOcel } from '../src/export/ocel.ts';
import { writeXes, xmlAttr } from '../src/export/xes.ts';

const SCHEMAS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'schemas');

// ajv-formats is CommonJS: depending on the loader, the plugin is the default export or its `default`.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

// ---------------------------------------------------------------------------------------------
// Fixture rows: 3 service requests, nulls, markup characters, emoji, characters invalid in XML.
// ---------------------------------------------------------------------------------------------

const AGENT_NAME = `Zoé O'Brien & "Sons" <N1>`;
const QUEUE = `Support <FR> & "VIP"`;
const ODD_REQUEST = `SR-1002 <&>'"`;
/** \u0001 and a lone surrogate are not XML 1.0 characters: the XES writer drops them. */
const WRAP_UP_RAW = 'Résolu ✅ 😀\u0001\uD800';
const WRAP_UP_XML = 'Résolu ✅ 😀';

function row(
  overrides: Partial<EventLogRow> & Pick<EventLogRow, 'ServiceRequest' | 'ActivityName' | 'EventTime'>,
) {
  const base: EventLogRow = {
    ServiceRequest: '',
    ConversationId: null,
    ActivityName: '',
    EventTime: '',
    EventEndTime: overrides.EventTime,
    Duration: 0,
    SourceSystem: 'GenesysCloudCX',
    LastDataUpdate: '2024-03-10T00:00:00.000Z',
    MediaType: null,
    AgentId: null,
    AgentName: null,
    QueueName: null,
    WrapUpCode: null,
    ServiceRequestType: null,
    CustomerSatisfactionScore: null,
    SlaTargetResolutionTime: null,
    ServiceResolutionTime: null,
    IsSlaCompliant: null,
    IsReopened: false,
    IsFirstContactResolution: false,
  };
  return { ...base, ...overrides };
}

const case1 = {
  ServiceRequestType: 'Facturation & Paiements',
  CustomerSatisfactionScore: 4,
  SlaTargetResolutionTime: 86400,
  ServiceResolutionTime: 3600.5,
  IsSlaCompliant: true,
  IsReopened: false,
  IsFirstContactResolution: true,
} satisfies Partial<EventLogRow>;

const case3 = {
  ServiceRequestType: 'Technique',
  CustomerSatisfactionScore: 2,
  SlaTargetResolutionTime: 3600,
  ServiceResolutionTime: 7200,
  IsSlaCompliant: false,
  IsReopened: true,
  IsFirstContactResolution: false,
} satisfies Partial<EventLogRow>;

const ROWS: EventLogRow[] = [
  row({
    ...case1,
    ServiceRequest: 'SR-1001',
    ConversationId: 'C-1',
    MediaType: 'voice',
    ActivityName: 'Interaction Started',
    EventTime: '2024-03-01T09:00:00.000Z',
  }),
  row({
    ...case1,
    ServiceRequest: 'SR-1001',
    ConversationId: 'C-1',
    MediaType: 'voice',
    QueueName: QUEUE,
    ActivityName: 'Conversation Routed to Queue',
    EventTime: '2024-03-01T09:00:05.250Z',
    EventEndTime: '2024-03-01T09:01:05.250Z',
    Duration: 60,
  }),
  row({
    ...case1,
    ServiceRequest: 'SR-1001',
    ConversationId: 'C-1',
    MediaType: 'voice',
    QueueName: QUEUE,
    AgentId: 'A-1',
    AgentName: AGENT_NAME,
    ActivityName: 'Agent Accepted Interaction',
    EventTime: '2024-03-01T09:01:05.250Z',
    EventEndTime: '2024-03-01T09:11:05.750Z',
    Duration: 600.5,
  }),
  row({
    ...case1,
    ServiceRequest: 'SR-1001',
    ConversationId: 'C-1',
    MediaType: 'voice',
    QueueName: QUEUE,
    AgentId: 'A-1',
    AgentName: AGENT_NAME,
    WrapUpCode: WRAP_UP_RAW,
    ActivityName: 'Wrap-Up Code Assigned',
    EventTime: '2024-03-01T09:12:00.000Z',
  }),
  // Nulls everywhere: no case attributes, no conversation, an agent without a name.
  row({
    ServiceRequest: ODD_REQUEST,
    AgentId: 'A-2',
    ActivityName: 'Customer Satisfaction Survey Sent',
    EventTime: '2024-03-02T10:00:00.000Z',
  }),
  row({
    ServiceRequest: ODD_REQUEST,
    ConversationId: 'C-2',
    MediaType: 'email',
    ActivityName: 'Interaction Started',
    EventTime: '2024-03-02T11:00:00.000Z',
  }),
  // Conversation C-1 also belongs to SR-1003; agent A-1 shows up under another name.
  row({
    ...case3,
    ServiceRequest: 'SR-1003',
    ConversationId: 'C-1',
    MediaType: 'voice',
    AgentId: 'A-1',
    AgentName: 'Zoé 🎧',
    QueueName: QUEUE,
    ActivityName: 'Interaction Transferred',
    EventTime: '2024-03-03T08:00:00.000Z',
  }),
  row({
    ...case3,
    ServiceRequest: 'SR-1003',
    ActivityName: 'Service Request Reopened',
    EventTime: '2024-03-04T08:00:00.000Z',
  }),
  row({
    ...case3,
    ServiceRequest: 'SR-1003',
    ActivityName: 'Custom Step',
    EventTime: '2024-03-04T08:30:00.000Z',
  }),
];

async function* iterate(rows: Iterable<EventLogRow>): AsyncGenerator<EventLogRow> {
  for (const r of rows) yield r;
}

// ---------------------------------------------------------------------------------------------
// Helpers: XSD validation, a small reader for the exporter's XES layout
// ---------------------------------------------------------------------------------------------

let xsd = '';
let validateOcel: ValidateFunction;
let dir = '';

beforeAll(async () => {
  xsd = await readFile(path.join(SCHEMAS, 'xes-ieee-1849-2016.xsd'), 'utf8');
  const schema = JSON.parse(await readFile(path.join(SCHEMAS, 'ocel20-schema-json.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  validateOcel = ajv.compile(schema);
  dir = await mkdtemp(path.join(tmpdir(), 'caseflow-export-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function validateXes(xml: string) {
  return validateXML({
    xml: [{ fileName: 'log.xes', contents: xml }],
    schema: [{ fileName: 'xes-ieee-1849-2016.xsd', contents: xsd }],
    maxMemoryPages: memoryPages.GiB,
  });
}

interface XesAttr {
  type: string;
  value: string;
}
type XesElement = Map<string, XesAttr>;
interface XesTrace {
  attrs: XesElement;
  events: XesElement[];
}

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, name: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    return named[name] ?? String.fromCodePoint(Number(name.slice(1)));
  });
}

/** Reads the traces of a document written by writeXes (one element per line). */
function readXesTraces(xml: string): XesTrace[] {
  const traces: XesTrace[] = [];
  let trace: XesTrace | null = null;
  let event: XesElement | null = null;
  const token =
    /<trace>|<\/trace>|<event>|<\/event>|<(string|date|int|float|boolean) key="([^"]*)" value="([^"]*)"\/>/g;
  for (const m of xml.matchAll(token)) {
    if (m[0] === '<trace>') {
      trace = { attrs: new Map(), events: [] };
      traces.push(trace);
    } else if (m[0] === '</trace>') trace = null;
    else if (m[0] === '<event>') {
      event = new Map();
      trace?.events.push(event);
    } else if (m[0] === '</event>') event = null;
    else if (trace !== null) {
      const [, type = '', key = '', value = ''] = m;
      (event ?? trace.attrs).set(key, { type, value: unescapeXml(value) });
    }
  }
  return traces;
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

// ---------------------------------------------------------------------------------------------
// XES
// ---------------------------------------------------------------------------------------------

describe('writeXes', () => {
  it('writes a document valid against the IEEE 1849-2016 XSD (French labels)', async () => {
    const file = path.join(dir, 'log-fr.xes');
    const counts = await writeXes(iterate(ROWS), file, { lang: 'fr' });
    expect(counts).toEqual({ traces: 3, events: ROWS.length });

    const xml = await readFile(file, 'utf8');
    const result = await validateXes(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);

    expect(count(xml, '<trace>')).toBe(3);
    expect(count(xml, '</trace>')).toBe(3);
    expect(count(xml, '<event>')).toBe(ROWS.length);
    expect(xml).toContain(
      '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
    );
    expect(xml).toContain(
      '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
    );
    expect(xml).toContain(
      '<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>',
    );
    expect(xml).toContain(
      '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>',
    );
    expect(xml).toContain('<global scope="trace">');
    expect(xml).toContain('<global scope="event">');
    expect(xml).toContain('<classifier name="Activity" keys="concept:name"/>');
    // French labels, escaped in the file.
    expect(xml).toContain('value="Interaction Commencée"');
    expect(xml).toContain('value="Agent a Accepté l&apos;Interaction"');
    expect(xml).not.toContain('value="Interaction Started"');
  });

  it('maps rows to traces and typed event attributes, escaping and omitting nulls', async () => {
    const file = path.join(dir, 'log-fr-2.xes');
    await writeXes(iterate(ROWS), file, { lang: 'fr' });
    const traces = readXesTraces(await readFile(file, 'utf8'));

    expect(traces.map((t) => t.attrs.get('concept:name')?.value)).toEqual([
      'SR-1001',
      ODD_REQUEST,
      'SR-1003',
    ]);
    expect(traces.map((t) => t.events.length)).toEqual([4, 2, 3]);

    const [t1, t2, t3] = traces;
    expect(Object.fromEntries(t1?.attrs ?? [])).toEqual({
      'concept:name': { type: 'string', value: 'SR-1001' },
      ServiceRequestType: { type: 'string', value: 'Facturation & Paiements' },
      CustomerSatisfactionScore: { type: 'int', value: '4' },
      SlaTargetResolutionTime: { type: 'float', value: '86400' },
      ServiceResolutionTime: { type: 'float', value: '3600.5' },
      IsSlaCompliant: { type: 'boolean', value: 'true' },
      IsReopened: { type: 'boolean', value: 'false' },
      IsFirstContactResolution: { type: 'boolean', value: 'true' },
    });
    // Null case attributes are omitted.
    expect([...(t2?.attrs.keys() ?? [])]).toEqual(['concept:name', 'IsReopened', 'IsFirstContactResolution']);
    expect(t3?.attrs.get('IsReopened')?.value).toBe('true');

    const accepted = t1?.events[2];
    expect(Object.fromEntries(accepted ?? [])).toEqual({
      'concept:name': { type: 'string', value: "Agent a Accepté l'Interaction" },
      'time:timestamp': { type: 'date', value: '2024-03-01T09:01:05.250Z' },
      'lifecycle:transition': { type: 'string', value: 'complete' },
      'org:resource': { type: 'string', value: AGENT_NAME },
      ConversationId: { type: 'string', value: 'C-1' },
      EventEndTime: { type: 'date', value: '2024-03-01T09:11:05.750Z' },
      Duration: { type: 'float', value: '600.5' },
      SourceSystem: { type: 'string', value: 'GenesysCloudCX' },
      LastDataUpdate: { type: 'date', value: '2024-03-10T00:00:00.000Z' },
      MediaType: { type: 'string', value: 'voice' },
      AgentId: { type: 'string', value: 'A-1' },
      QueueName: { type: 'string', value: QUEUE },
    });
    // Emoji kept, characters invalid in XML 1.0 dropped.
    expect(t1?.events[3]?.get('WrapUpCode')?.value).toBe(WRAP_UP_XML);
    // org:resource falls back to AgentId; absent without agent.
    expect(t2?.events[0]?.get('org:resource')?.value).toBe('A-2');
    expect(t2?.events[1]?.has('org:resource')).toBe(false);
    expect(t2?.events[1]?.has('ConversationId')).toBe(true);
    expect(t2?.events[0]?.has('ConversationId')).toBe(false);
    expect(t2?.events[0]?.has('QueueName')).toBe(false);
    // Unknown activity: its name as is.
    expect(t3?.events[2]?.get('concept:name')?.value).toBe('Custom Step');
    expect(t3?.events[1]?.get('concept:name')?.value).toBe('Demande de service rouverte');
  });

  it('uses the English labels with lang en', async () => {
    const file = path.join(dir, 'log-en.xes');
    await writeXes(iterate(ROWS), file, { lang: 'en' });
    const xml = await readFile(file, 'utf8');
    expect((await validateXes(xml)).errors).toEqual([]);
    const names = readXesTraces(xml).flatMap((t) => t.events.map((e) => e.get('concept:name')?.value));
    expect(names).toEqual(ROWS.map((r) => r.ActivityName));
    expect(xml).not.toContain('Commencée');
  });

  it('rejects broken documents (the validation can fail)', async () => {
    const file = path.join(dir, 'log-broken.xes');
    await writeXes(iterate(ROWS), file, { lang: 'fr' });
    const xml = await readFile(file, 'utf8');

    const notAnInt = xml.replace(
      '<int key="CustomerSatisfactionScore" value="4"/>',
      '<int key="CustomerSatisfactionScore" value="four"/>',
    );
    expect(notAnInt).not.toBe(xml);
    const r1 = await validateXes(notAnInt);
    expect(r1.valid).toBe(false);
    expect(r1.errors.length).toBeGreaterThan(0);

    const unescaped = xml.replace('value="Facturation &amp; Paiements"', 'value="Facturation & Paiements"');
    expect(unescaped).not.toBe(xml);
    expect((await validateXes(unescaped)).valid).toBe(false);

    const noVersion = xml.replace(' xes.version="1849.2016"', '');
    expect(noVersion).not.toBe(xml);
    expect((await validateXes(noVersion)).valid).toBe(false);

    // Trace attributes must come before the events.
    const misplaced = xml.replace(
      '    </event>\n  </trace>',
      '    </event>\n    <boolean key="late" value="true"/>\n  </trace>',
    );
    expect(misplaced).not.toBe(xml);
    expect((await validateXes(misplaced)).valid).toBe(false);
  });

  it('escapes the five markup characters and strips invalid ones', () => {
    expect(xmlAttr(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f');
    expect(xmlAttr('x\u0000y\u001Fz\uFFFE\uDC00😀\t\n')).toBe('xyz😀&#9;&#10;');
  });

  it('writes to a caller stream with back-pressure and leaves it open', async () => {
    const chunks: string[] = [];
    let drains = 0;
    const sink = new Writable({
      highWaterMark: 256,
      decodeStrings: false,
      write(chunk: string | Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        setImmediate(callback);
      },
    });
    sink.on('drain', () => {
      drains += 1;
    });
    const many = Array.from({ length: 2000 }, (_, i) =>
      row({
        ...case1,
        ServiceRequest: `SR-${String(Math.floor(i / 4)).padStart(5, '0')}`,
        ActivityName: 'Interaction Started',
        EventTime: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
      }),
    );
    const counts = await writeXes(iterate(many), sink, { lang: 'en' });
    expect(counts).toEqual({ traces: 500, events: 2000 });
    expect(sink.writableEnded).toBe(false);
    expect(drains).toBeGreaterThan(0);
    sink.end();
    const xml = chunks.join('');
    expect(count(xml, '<event>')).toBe(2000);
    expect(xml.endsWith('</log>\n')).toBe(true);
    expect((await validateXes(xml)).errors).toEqual([]);
  });

  it('rejects a row whose EventTime is not a time', async () => {
    const bad = [...ROWS.slice(0, 2), { ...ROWS[2], EventTime: 'yesterday' } as EventLogRow];
    await expect(writeXes(iterate(bad), path.join(dir, 'bad.xes'), { lang: 'en' })).rejects.toThrow(
      /row 3 \(SR-1001\): EventTime/,
    );
    await expect(writeOcel(iterate(bad), path.join(dir, 'bad.jsonocel'), { lang: 'en' })).rejects.toThrow(
      /row 3 \(SR-1001\): EventTime/,
    );
  });

  it('writes an empty log and rejects when the file cannot be created', async () => {
    const file = path.join(dir, 'empty.xes');
    expect(await writeXes(iterate([]), file, { lang: 'en' })).toEqual({ traces: 0, events: 0 });
    expect((await validateXes(await readFile(file, 'utf8'))).errors).toEqual([]);
    await expect(writeXes(iterate(ROWS), path.join(dir, 'missing', 'x.xes'), { lang: 'en' })).rejects.toThrow(
      /ENOENT/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// OCEL 2.0
// ---------------------------------------------------------------------------------------------

interface OcelDoc {
  objectTypes: { name: string; attributes: { name: string; type: string }[] }[];
  eventTypes: { name: string; attributes: { name: string; type: string }[] }[];
  events: {
    id: string;
    type: string;
    time: string;
    attributes: { name: string; value: string }[];
    relationships: { objectId: string; qualifier: string }[];
  }[];
  objects: {
    id: string;
    type: string;
    attributes: { name: string; value: string; time: string }[];
    relationships: { objectId: string; qualifier: string }[];
  }[];
}

describe('writeOcel', () => {
  let doc: OcelDoc;
  let counts: { events: number; objects: number };

  beforeAll(async () => {
    const file = path.join(dir, 'log-fr.jsonocel');
    counts = await writeOcel(iterate(ROWS), file, { lang: 'fr' });
    doc = JSON.parse(await readFile(file, 'utf8')) as OcelDoc;
  });

  it('writes a document valid against the OCEL 2.0 JSON schema', () => {
    const valid = validateOcel(doc);
    expect(validateOcel.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(Object.keys(doc).sort()).toEqual(['eventTypes', 'events', 'objectTypes', 'objects']);
  });

  it('counts events and objects; event ids are e1… in row order', () => {
    // 3 service requests, conversations C-1 and C-2, agents, one queue.
    expect(counts).toEqual({ events: ROWS.length, objects: 8 });
    expect(doc.events.map((e) => e.id)).toEqual(ROWS.map((_, i) => `e${i + 1}`));
    expect(doc.events.map((e) => e.time)).toEqual(ROWS.map((r) => r.EventTime));
    expect(doc.objects.map((o) => o.id)).toEqual([
      'service_request:SR-1001',
      'conversation:C-1',
      `queue:${QUEUE}`,
      'agent:A-1',
      `service_request:${ODD_REQUEST}`,
      'agent:A-2',
      'conversation:C-2',
      'service_request:SR-1003',
    ]);
  });

  it('declares the object types and the event types present, in French', () => {
    expect(doc.objectTypes.map((t) => t.name)).toEqual(['service_request', 'conversation', 'agent', 'queue']);
    expect(doc.objectTypes[0]?.attributes).toContainEqual({
      name: 'CustomerSatisfactionScore',
      type: 'integer',
    });
    expect(doc.objectTypes[0]?.attributes).toContainEqual({ name: 'IsSlaCompliant', type: 'boolean' });
    const present = [...new Set(ROWS.map((r) => activityLabel(r.ActivityName, 'fr')))];
    expect(doc.eventTypes.map((t) => t.name).sort()).toEqual(present.sort());
    expect(doc.eventTypes.map((t) => t.name)).toContain("Agent a Accepté l'Interaction");
    expect(doc.eventTypes.map((t) => t.name)).not.toContain('Interaction Started');
    expect(doc.eventTypes[0]?.attributes).toEqual([
      { name: 'EventEndTime', type: 'time' },
      { name: 'Duration', type: 'float' },
      { name: 'SourceSystem', type: 'string' },
      { name: 'WrapUpCode', type: 'string' },
      { name: 'MediaType', type: 'string' },
    ]);
    // Every event's type is declared.
    const declared = new Set(doc.eventTypes.map((t) => t.name));
    for (const e of doc.events) expect(declared.has(e.type)).toBe(true);
  });

  it('relates events to their objects and conversations to their service requests', () => {
    expect(doc.events[2]?.relationships).toEqual([
      { objectId: 'service_request:SR-1001', qualifier: 'case' },
      { objectId: 'conversation:C-1', qualifier: 'conversation' },
      { objectId: 'agent:A-1', qualifier: 'agent' },
      { objectId: `queue:${QUEUE}`, qualifier: 'queue' },
    ]);
    expect(doc.events[4]?.relationships).toEqual([
      { objectId: `service_request:${ODD_REQUEST}`, qualifier: 'case' },
      { objectId: 'agent:A-2', qualifier: 'agent' },
    ]);
    expect(doc.events[3]?.attributes).toContainEqual({ name: 'WrapUpCode', value: WRAP_UP_RAW });
    expect(doc.events[4]?.attributes.map((a) => a.name)).toEqual([
      'EventEndTime',
      'Duration',
      'SourceSystem',
    ]);

    const ids = new Set(doc.objects.map((o) => o.id));
    for (const e of doc.events) {
      expect(e.relationships.filter((r) => r.qualifier === 'case')).toHaveLength(1);
      for (const r of e.relationships) expect(ids.has(r.objectId)).toBe(true);
    }
    const c1 = doc.objects.find((o) => o.id === 'conversation:C-1');
    expect(c1?.relationships).toEqual([
      { objectId: 'service_request:SR-1001', qualifier: 'part of' },
      { objectId: 'service_request:SR-1003', qualifier: 'part of' },
    ]);
    expect(c1?.attributes).toEqual([{ name: 'MediaType', value: 'voice', time: '1970-01-01T00:00:00Z' }]);
  });

  it('gives object attributes typed-as-declared string values with times, omitting nulls', () => {
    const sr1 = doc.objects.find((o) => o.id === 'service_request:SR-1001');
    expect(sr1?.attributes).toEqual(
      [
        ['ServiceRequestType', 'Facturation & Paiements'],
        ['SlaTargetResolutionTime', '86400'],
        ['ServiceResolutionTime', '3600.5'],
        ['IsSlaCompliant', 'true'],
        ['IsReopened', 'false'],
        ['IsFirstContactResolution', 'true'],
        ['CustomerSatisfactionScore', '4'],
      ].map(([name, value]) => ({ name, value, time: '1970-01-01T00:00:00Z' })),
    );
    const sr2 = doc.objects.find((o) => o.id === `service_request:${ODD_REQUEST}`);
    expect(sr2?.attributes.map((a) => a.name)).toEqual(['IsReopened', 'IsFirstContactResolution']);
    // A later, different value is a change at the time it was seen.
    const a1 = doc.objects.find((o) => o.id === 'agent:A-1');
    expect(a1?.attributes).toEqual([
      { name: 'AgentName', value: AGENT_NAME, time: '1970-01-01T00:00:00Z' },
      { name: 'AgentName', value: 'Zoé 🎧', time: '2024-03-03T08:00:00.000Z' },
    ]);
    const a2 = doc.objects.find((o) => o.id === 'agent:A-2');
    expect(a2?.attributes).toEqual([]);
    expect(doc.objects.find((o) => o.type === 'queue')?.attributes).toEqual([
      { name: 'QueueName', value: QUEUE, time: '1970-01-01T00:00:00Z' },
    ]);
  });

  it('uses English event types with lang en', async () => {
    const file = path.join(dir, 'log-en.jsonocel');
    await writeOcel(iterate(ROWS), file, { lang: 'en' });
    const en = JSON.parse(await readFile(file, 'utf8')) as OcelDoc;
    expect(validateOcel(en)).toBe(true);
    expect(en.events.map((e) => e.type)).toEqual(ROWS.map((r) => r.ActivityName));
  });

  it('rejects broken documents (the validation can fail)', () => {
    const clone = (): OcelDoc => structuredClone(doc);

    const noTime = clone() as unknown as { events: Record<string, unknown>[] };
    delete noTime.events[0]?.time;
    expect(validateOcel(noTime)).toBe(false);
    expect(validateOcel.errors?.length).toBeGreaterThan(0);

    const badTime = clone();
    if (badTime.events[0]) badTime.events[0].time = '01/03/2024 09:00';
    expect(validateOcel(badTime)).toBe(false);

    const numeric = clone() as unknown as { objects: { attributes: { value: unknown }[] }[] };
    const attribute = numeric.objects[0]?.attributes[0];
    if (attribute) attribute.value = 4;
    expect(validateOcel(numeric)).toBe(false);

    const noObjects = clone() as Partial<OcelDoc>;
    delete noObjects.objects;
    expect(validateOcel(noObjects)).toBe(false);
  });

  it('streams to a caller stream and writes an empty log', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      highWaterMark: 128,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        setImmediate(callback);
      },
    });
    const result = await writeOcel(iterate(ROWS), sink, { lang: 'fr' });
    expect(result).toEqual(counts);
    expect(sink.writableEnded).toBe(false);
    expect(JSON.parse(chunks.join(''))).toEqual(doc);

    const file = path.join(dir, 'empty.jsonocel');
    expect(await writeOcel(iterate([]), file, { lang: 'en' })).toEqual({ events: 0, objects: 0 });
    const empty = JSON.parse(await readFile(file, 'utf8')) as OcelDoc;
    expect(validateOcel(empty)).toBe(true);
    expect(empty.events).toEqual([]);
    expect(empty.objectTypes).toHaveLength(4);
  });
});
