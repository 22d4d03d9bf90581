import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { activityLabel, type Lang } from '../eventlog/activities.ts';
import type { EventLogRow } from '../eventlog/attributes.ts';

export interface ExportOptions {
  lang: Lang;
}

// ---------------------------------------------------------------------------------------------
// Output sink shared by the exporters (also used by ocel.ts)
// ---------------------------------------------------------------------------------------------

/** Buffered text output honouring back-pressure. */
export interface TextSink {
  write(text: string): Promise<void>;
  /** Flushes; when the sink opened a file, ends it and waits until it is closed. */
  close(): Promise<void>;
  /** Drops a file the sink opened (after a failure); a caller's stream is left alone. */
  abort(): void;
}

const FLUSH_AT = 64 * 1024;

/**
 * Opens `out` for writing text: a path (the file is created, truncated, and closed by `close()`)
 * or a writable stream (written to, never ended: the caller owns it).
 */
export function openTextSink(out: NodeJS.WritableStream | string): TextSink {
  const owned = typeof out === 'string';
  const stream: NodeJS.WritableStream = typeof out === 'string' ? createWriteStream(out) : out;
  let failure: unknown = null;
  const onError = (error: unknown): void => {
    failure ??= error;
  };
  stream.on('error', onError);
  let buffer = '';

  const check = (): void => {
    if (failure !== null) throw failure;
  };
  const flush = async (): Promise<void> => {
    check();
    if (buffer.length === 0) return;
    const chunk = buffer;
    buffer = '';
    if (!stream.write(chunk, 'utf8')) await once(stream, 'drain');
    check();
  };

  return {
    async write(text) {
      buffer += text;
      if (buffer.length >= FLUSH_AT) await flush();
    },
    async close() {
      try {
        await flush();
        if (owned) {
          stream.end();
          await finished(stream);
        }
        check();
      } finally {
        stream.removeListener('error', onError);
      }
    },
    abort() {
      // A file we opened is destroyed; our listener stays so that a late error (e.g. from a pending
      // open) is not thrown as uncaught. A caller's stream is left as it is.
      if (owned) (stream as ReturnType<typeof createWriteStream>).destroy();
      else stream.removeListener('error', onError);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Value helpers shared by the exporters
// ---------------------------------------------------------------------------------------------

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The row's timestamp as written: kept as is when it is already ISO-8601 with a zone (the rows'
 * form, UTC with milliseconds), otherwise re-formatted when parseable; null when it is not a time.
 */
export function isoTime(value: string | null): string | null {
  if (value === null) return null;
  if (ISO_DATE_TIME.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** A finite number as text (non-finite numbers have no place in either format: null). */
export function numberText(value: number | null): string | null {
  return value !== null && Number.isFinite(value) ? String(value) : null;
}

/** An integer attribute (e.g. a satisfaction score) as text, rounded if the source was not whole. */
export function integerText(value: number | null): string | null {
  return value !== null && Number.isFinite(value) ? String(Math.round(value)) : null;
}

// ---------------------------------------------------------------------------------------------
// XES
// ---------------------------------------------------------------------------------------------

/** Characters outside the XML 1.0 `Char` production (controls, lone surrogates, U+FFFE/U+FFFF). */
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Kept as references so that attribute-value normalisation does not turn them into spaces.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Text for an XML attribute value: invalid characters dropped, markup and whitespace escaped. */
export function xmlAttr(value: string): string {
  return value.replace(INVALID_XML_CHARS, '').replace(/[&<>"'\t\n\r]/g, (c) => XML_ESCAPES[c] ?? c);
}

type XesType = 'string' | 'date' | 'int' | 'float' | 'boolean';

function attr(indent: string, type: XesType, key: string, value: string | null): string {
  if (value === null) return '';
  return `${indent}<${type} key="${key}" value="${xmlAttr(value)}"/>\n`;
}

const str = (indent: string, key: string, value: string | null): string => attr(indent, 'string', key, value);
const date = (indent: string, key: string, value: string | null): string =>
  attr(indent, 'date', key, isoTime(value));
const float = (indent: string, key: string, value: number | null): string =>
  attr(indent, 'float', key, numberText(value));
const int = (indent: string, key: string, value: number | null): string =>
  attr(indent, 'int', key, integerText(value));
const bool = (indent: string, key: string, value: boolean | null): string =>
  attr(indent, 'boolean', key, value === null ? null : String(value));

const XES_HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Caseflow service-request event log: IEEE Std 1849-2016 (XES). One trace per service request. -->
<log xes.version="1849.2016">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000Z"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="MXML_Legacy_Classifier" keys="concept:name lifecycle:transition"/>
  <string key="concept:name" value="Caseflow service requests"/>
  <string key="lifecycle:model" value="standard"/>
`;

function traceOpen(row: EventLogRow): string {
  const i = '    ';
  return (
    '  <trace>\n' +
    str(i, 'concept:name', row.ServiceRequest) +
    str(i, 'ServiceRequestType', row.ServiceRequestType) +
    int(i, 'CustomerSatisfactionScore', row.CustomerSatisfactionScore) +
    float(i, 'SlaTargetResolutionTime', row.SlaTargetResolutionTime) +
    float(i, 'ServiceResolutionTime', row.ServiceResolutionTime) +
    bool(i, 'IsSlaCompliant', row.IsSlaCompliant) +
    bool(i, 'IsReopened', row.IsReopened) +
    bool(i, 'IsFirstContactResolution', row.IsFirstContactResolution)
  );
}

function event(row: EventLogRow, lang: Lang, index: number): string {
  const timestamp = isoTime(row.EventTime);
  if (timestamp === null) {
    throw new TypeError(
      `row ${index + 1} (${row.ServiceRequest}): EventTime is not a time: ${row.EventTime}`,
    );
  }
  const i = '      ';
  return (
    '    <event>\n' +
    str(i, 'concept:name', activityLabel(row.ActivityName, lang)) +
    attr(i, 'date', 'time:timestamp', timestamp) +
    str(i, 'lifecycle:transition', 'complete') +
    str(i, 'org:resource', row.AgentName ?? row.AgentId) +
    str(i, 'ConversationId', row.ConversationId) +
    date(i, 'EventEndTime', row.EventEndTime) +
    float(i, 'Duration', row.Duration) +
    str(i, 'SourceSystem', row.SourceSystem) +
    date(i, 'LastDataUpdate', row.LastDataUpdate) +
    str(i, 'MediaType', row.MediaType) +
    str(i, 'AgentId', row.AgentId) +
    str(i, 'QueueName', row.QueueName) +
    str(i, 'WrapUpCode', row.WrapUpCode) +
    '    </event>\n'
  );
}

/**
 * Writes an IEEE 1849-2016 XES document, streaming (the log may hold millions of events).
 *
 * `rows` come sorted by ServiceRequest then EventTime: a new trace starts whenever ServiceRequest
 * changes (rows of one service request must be contiguous). Trace attributes are taken from the
 * first row of the service request. Null values are omitted. `out` is a file path (created and
 * closed) or a writable stream (written and drained, not ended).
 */
export async function writeXes(
  rows: AsyncIterable<EventLogRow>,
  out: NodeJS.WritableStream | string,
  options: ExportOptions,
): Promise<{ traces: number; events: number }> {
  const sink = openTextSink(out);
  let traces = 0;
  let events = 0;
  try {
    await sink.write(XES_HEADER);
    let current: string | null = null;
    for await (const row of rows) {
      if (row.ServiceRequest !== current) {
        if (current !== null) await sink.write('  </trace>\n');
        current = row.ServiceRequest;
        traces += 1;
        await sink.write(traceOpen(row));
      }
      await sink.write(event(row, options.lang, events));
      events += 1;
    }
    if (current !== null) await sink.write('  </trace>\n');
    await sink.write('</log>\n');
    await sink.close();
  } catch (error) {
    sink.abort();
    throw error;
  }
  return { traces, events };
}
