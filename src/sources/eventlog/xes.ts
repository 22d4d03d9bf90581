import { SaxesParser } from 'saxes';
import type { Rejection } from '../quarantine.ts';
import { InputError } from '../records.ts';
import type { ImportedEvent, ReadBatch } from './model.ts';
import { formatTimestamp, parseTimestamp } from './time.ts';

/**
 * XES (IEEE 1849-2016) reader, streaming: one trace is held in memory at a time.
 *
 * A trace is a case, named by its `concept:name`; an event's activity is its `concept:name`, its time
 * `time:timestamp`, its resource `org:resource`. The other attributes of an event are kept, typed
 * (string/id → string, int/float → number, boolean → boolean, date → ISO-8601 UTC, list → array of
 * {key: value}, container → object, an attribute with nested attributes → {value, children}); the
 * trace's other attributes are added to each of its events as `case:<key>` (PM4Py's convention).
 * Elements may be in the XES namespace (ProM, PM4Py) or in none (Caseflow's export); `<global>`,
 * `<extension>`, `<classifier>` and the log's own attributes are not imported.
 *
 * Lifecycle (`lifecycle:transition`, the standard model; a missing transition counts as complete), per
 * trace in document order:
 * - `start` opens an instance of the activity (of `concept:name` and, when present, `concept:instance`);
 * - `complete` closes the oldest open instance of the same activity (FIFO): one event, ts = start,
 *   end = complete, attributes of both (the complete's win), resource of the complete or else the start;
 *   with no open instance it is an event on its own, ts = end = complete; a complete earlier than the
 *   start it would close is rejected (the start stays open);
 * - `ate_abort` ends the instance like `complete` (kept as `lifecycle:transition` in the attributes);
 * - a `start` never closed is an event with end = start;
 * - `suspend` and `resume` happen inside an open instance, whose event spans them: they are not events;
 * - `schedule`, `assign`, `reassign`, `withdraw`, `autoskip`, `manualskip` and `pi_abort` say nothing
 *   about an execution: they are not imported (counted in `ignored`);
 * - any other transition (`unknown`, a non-standard model's) is an event on its own, ts = end, with the
 *   transition kept in the attributes.
 * `seq` is the 1-based position in the file of the event's first `<event>` element.
 */
export async function* readXesEvents(
  file: string,
  chunks: AsyncIterable<string>,
  ignored: Record<string, number>,
): AsyncGenerator<ReadBatch> {
  const parser = new SaxesParser<{ xmlns: false; position: true; fileName: string }>({
    xmlns: false,
    position: true,
    fileName: file,
  });
  let batch: ReadBatch = { events: [], rejections: [] };
  const stack: Frame[] = [];
  let position = 0;
  let sawRoot = false;

  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    const parent = stack[stack.length - 1];
    if (!sawRoot) {
      sawRoot = true;
      if (name !== 'log') {
        throw new InputError(`${file}: the root element is <${tag.name}>, not <log>: not an XES document`);
      }
      stack.push({ kind: 'log' });
      return;
    }
    if (parent === undefined || parent.kind === 'skip') {
      stack.push({ kind: 'skip' });
      return;
    }
    if (ATTRIBUTE_TYPES.has(name)) {
      if (parent.kind === 'log') {
        stack.push({ kind: 'skip' }); // the log's own attributes
        return;
      }
      const attr: XAttr = {
        type: name as AttrType,
        key: tag.attributes.key ?? '',
        value: tag.attributes.value,
        children: [],
      };
      stack.push({ kind: 'attr', attr });
      return;
    }
    if (name === 'values' && parent.kind === 'attr' && parent.attr.type === 'list') {
      stack.push({ kind: 'values' });
      return;
    }
    if (name === 'trace' && parent.kind === 'log') {
      stack.push({ kind: 'trace', trace: { line: parser.line, attrs: [], events: [] } });
      return;
    }
    if (name === 'event' && (parent.kind === 'trace' || parent.kind === 'log')) {
      position += 1;
      stack.push({ kind: 'event', event: { line: parser.line, position, attrs: [] } });
      return;
    }
    stack.push({ kind: 'skip' });
  });

  parser.on('closetag', () => {
    const frame = stack.pop();
    if (frame === undefined) return;
    if (frame.kind === 'attr') {
      const owner = attributeOwner(stack);
      owner?.push(frame.attr);
    } else if (frame.kind === 'event') {
      const parent = stack[stack.length - 1];
      if (parent?.kind === 'trace') parent.trace.events.push(frame.event);
      else {
        batch.rejections.push({
          file,
          line: frame.event.line,
          reason: 'event outside a trace: it belongs to no case',
          record: attributesObject(frame.event.attrs),
        });
      }
    } else if (frame.kind === 'trace') {
      traceEvents(file, frame.trace, batch, ignored);
    }
  });

  try {
    let started = false;
    for await (const chunk of chunks) {
      if (!started && chunk.trim() !== '') {
        started = true;
        if (!chunk.trimStart().startsWith('<')) {
          throw new InputError(`${file}: not an XES document (it does not start with XML markup)`);
        }
      }
      parser.write(chunk);
      if (batch.events.length || batch.rejections.length) {
        yield batch;
        batch = { events: [], rejections: [] };
      }
    }
    parser.close();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`not a well-formed XES document: ${(error as Error).message}`);
  }
  if (!sawRoot) throw new InputError(`${file}: the file is empty: an XES <log> was expected`);
  yield batch;
}

type AttrType = 'string' | 'date' | 'int' | 'float' | 'boolean' | 'id' | 'list' | 'container';
const ATTRIBUTE_TYPES = new Set<string>([
  'string',
  'date',
  'int',
  'float',
  'boolean',
  'id',
  'list',
  'container',
]);

interface XAttr {
  type: AttrType;
  key: string;
  value: string | undefined;
  children: XAttr[];
}

interface RawEvent {
  line: number;
  position: number;
  attrs: XAttr[];
}

interface RawTrace {
  line: number;
  attrs: XAttr[];
  events: RawEvent[];
}

type Frame =
  | { kind: 'log' }
  | { kind: 'trace'; trace: RawTrace }
  | { kind: 'event'; event: RawEvent }
  | { kind: 'attr'; attr: XAttr }
  /** A list's <values> wrapper: its attributes belong to the list. */
  | { kind: 'values' }
  /** Content not imported (globals, extensions, classifiers, the log's attributes, unknown elements). */
  | { kind: 'skip' };

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** Where a closed attribute goes: the enclosing attribute, event or trace (none for skipped content). */
function attributeOwner(stack: readonly Frame[]): XAttr[] | null {
  for (let i = stack.length - 1; i >= 0; i -= 1) {
    const frame = stack[i];
    if (frame === undefined || frame.kind === 'values') continue;
    if (frame.kind === 'attr') return frame.attr.children;
    if (frame.kind === 'event') return frame.event.attrs;
    if (frame.kind === 'trace') return frame.trace.attrs;
    return null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Attribute values
// ---------------------------------------------------------------------------------------------

function simpleValue(attr: XAttr): unknown {
  const raw = attr.value ?? '';
  switch (attr.type) {
    case 'int': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isSafeInteger(n) ? n : raw;
    }
    case 'float': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'boolean': {
      const text = raw.trim().toLowerCase();
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return raw;
    }
    case 'date': {
      const micros = parseTimestamp(raw);
      return micros === null ? raw : formatTimestamp(micros);
    }
    default:
      return raw;
  }
}

function attributeValue(attr: XAttr): unknown {
  if (attr.type === 'list') return attr.children.map((c) => ({ [c.key]: attributeValue(c) }));
  if (attr.type === 'container') return attributesObject(attr.children);
  const value = simpleValue(attr);
  return attr.children.length ? { value, children: attributesObject(attr.children) } : value;
}

function attributesObject(attrs: readonly XAttr[], prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of attrs) out[prefix + a.key] = attributeValue(a);
  return out;
}

/** The text of a simple attribute (whatever its type), or null when absent or empty. */
function textOf(attrs: readonly XAttr[], key: string): { text: string; attr: XAttr } | null {
  let found: XAttr | undefined;
  for (const a of attrs) if (a.key === key) found = a;
  if (found === undefined || found.value === undefined || found.value === '') return null;
  return { text: found.value, attr: found };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle merging
// ---------------------------------------------------------------------------------------------

const NOT_EXECUTIONS = new Set([
  'schedule',
  'assign',
  'reassign',
  'withdraw',
  'autoskip',
  'manualskip',
  'pi_abort',
  'suspend',
  'resume',
]);

const EXTRACTED = new Set(['concept:name', 'time:timestamp', 'org:resource']);

interface Parsed {
  activity: string;
  ts: number;
  transition: string;
  instance: string | null;
  resource: string | null;
  position: number;
  line: number;
  attributes: Record<string, unknown>;
}

/** The events of a finished trace, lifecycle transitions merged, into the batch. */
function traceEvents(file: string, trace: RawTrace, batch: ReadBatch, ignored: Record<string, number>): void {
  const reject = (line: number, reason: string, record: unknown): void => {
    batch.rejections.push({ file, line, reason, record } satisfies Rejection);
  };
  const caseName = textOf(trace.attrs, 'concept:name');
  if (caseName === null) {
    reject(
      trace.line,
      `trace has no concept:name: its ${trace.events.length} event(s) are not imported`,
      attributesObject(trace.attrs),
    );
    return;
  }
  const caseId = caseName.text;
  const caseAttributes = attributesObject(
    trace.attrs.filter((a) => a.key !== 'concept:name'),
    'case:',
  );

  const parsed: Parsed[] = [];
  for (const event of trace.events) {
    const transitionText = textOf(event.attrs, 'lifecycle:transition')?.text.trim().toLowerCase();
    const transition = transitionText || 'complete';
    if (NOT_EXECUTIONS.has(transition)) {
      ignored[transition] = (ignored[transition] ?? 0) + 1;
      continue;
    }
    const record = { 'case:concept:name': caseId, ...attributesObject(event.attrs) };
    const name = textOf(event.attrs, 'concept:name');
    if (name === null) {
      reject(event.line, 'event has no concept:name (activity)', record);
      continue;
    }
    const time = textOf(event.attrs, 'time:timestamp');
    if (time === null) {
      reject(event.line, 'event has no time:timestamp', record);
      continue;
    }
    const ts = parseTimestamp(time.text);
    if (ts === null) {
      reject(event.line, `time:timestamp: not a time: ${JSON.stringify(time.text)}`, record);
      continue;
    }
    const attributes = attributesObject(
      event.attrs.filter(
        (a) =>
          !EXTRACTED.has(a.key) &&
          !(a.key === 'lifecycle:transition' && (transition === 'start' || transition === 'complete')),
      ),
    );
    parsed.push({
      activity: name.text,
      ts,
      transition,
      instance: textOf(event.attrs, 'concept:instance')?.text ?? null,
      resource: textOf(event.attrs, 'org:resource')?.text ?? null,
      position: event.position,
      line: event.line,
      attributes,
    });
  }

  const out: ImportedEvent[] = [];
  const open = new Map<string, ImportedEvent[]>();
  const single = (e: Parsed): ImportedEvent => ({
    caseId,
    activity: e.activity,
    ts: e.ts,
    end: e.ts,
    resource: e.resource,
    seq: e.position,
    attributes: { ...caseAttributes, ...e.attributes },
  });
  for (const e of parsed) {
    const key = e.instance === null ? e.activity : `${e.activity}\u0000${e.instance}`;
    if (e.transition === 'start') {
      const started = { ...single(e), end: null };
      out.push(started);
      const queue = open.get(key);
      if (queue) queue.push(started);
      else open.set(key, [started]);
    } else if (e.transition === 'complete' || e.transition === 'ate_abort') {
      const started = open.get(key)?.shift();
      if (started === undefined) {
        out.push(single(e));
      } else if (e.ts < started.ts) {
        open.get(key)?.unshift(started);
        reject(
          e.line,
          `${e.transition} of ${JSON.stringify(e.activity)} at ${formatTimestamp(e.ts)} is before its start at ${formatTimestamp(started.ts)}`,
          { 'case:concept:name': caseId, 'concept:name': e.activity, ...e.attributes },
        );
      } else {
        started.end = e.ts;
        started.attributes = { ...started.attributes, ...e.attributes };
        started.resource = e.resource ?? started.resource;
      }
    } else {
      out.push(single(e));
    }
  }
  for (const e of out) {
    e.end ??= e.ts;
    if (e.attributes && Object.keys(e.attributes).length === 0) e.attributes = null;
    batch.events.push(e);
  }
}
