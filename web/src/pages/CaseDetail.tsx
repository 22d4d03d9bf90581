import { useMemo } from 'react';
import { useAccess } from '../access.ts';
import { buildUrl, type CaseDetailResponse, type CaseEvent } from '../api.ts';
import { EChart, type EChartsOption } from '../components/EChart.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { carriedOf } from '../filters.ts';
import { formatDateTime, formatDuration, formatNumber } from '../format.ts';
import { type I18n, useI18n } from '../i18n.ts';
import { conversationJourneyPath, langQuery } from '../journey.ts';
import { Link, withQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

const PALETTE = ['#1f5fa8', '#c2410c', '#1d7a46', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d'];

const colourKey = (e: CaseEvent): string | null =>
  e.ConversationId ?? (typeof e.Resource === 'string' ? e.Resource : null);

const DURATION_ATTRIBUTES = /(Time|Duration)$/;

function formatAttribute(key: string, value: unknown, i18n: I18n): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? i18n.t.yes : i18n.t.no;
  if (typeof value === 'number') {
    if (DURATION_ATTRIBUTES.test(key))
      return `${formatDuration(value, i18n.lang)} (${formatNumber(value, i18n.lang)} s)`;
    return formatNumber(value, i18n.lang, Number.isInteger(value) ? 0 : 2);
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDateTime(value, i18n.lang);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export default function CaseDetail({ query, caseId }: { query: URLSearchParams; caseId: string }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const dataset = query.get('dataset') || undefined;
  const url = buildUrl(`/cases/${encodeURIComponent(caseId)}`, { dataset, lang });
  const { data, error, reload } = useApi<CaseDetailResponse>(url);
  const { can } = useAccess();
  // The journey covers the default (Genesys) log only.
  const journeyLinks = !dataset && can('journey:event:view');
  const back = withQuery('/cases', carriedOf(query));

  const colours = useMemo(() => {
    const map = new Map<string, string>();
    // Genesys: one colour per conversation; imported logs: one per resource.
    const keys = data?.conversations.length
      ? data.conversations
      : [...new Set((data?.events ?? []).map(colourKey).filter((k): k is string => !!k))];
    for (const [i, c] of keys.entries()) map.set(c, PALETTE[i % PALETTE.length] as string);
    return map;
  }, [data]);

  const header = (
    <div className="page-head">
      <Link href={back} className="back-link" data-testid="back-to-cases">
        ← {t.backToCases}
      </Link>
      <h1>
        {t.caseTitle} <span className="mono">{caseId}</span>
      </h1>
    </div>
  );
  if (error) {
    return (
      <div className="page" data-testid="page-case">
        {header}
        <ErrorBox error={error} onRetry={error.status === 404 ? undefined : reload} />
      </div>
    );
  }
  if (!data) {
    return (
      <div className="page" data-testid="page-case">
        {header}
        <Loading />
      </div>
    );
  }
  const events = data.events;
  const first = events[0]?.EventTime;
  const last = events.reduce<string | undefined>((max, e) => {
    const end = e.EventEndTime ?? e.EventTime;
    return !max || end > max ? end : max;
  }, undefined);
  const span = first && last ? (Date.parse(last) - Date.parse(first)) / 1000 : null;
  const has = (key: keyof CaseEvent) =>
    events.some((e) => e[key] !== null && e[key] !== undefined && e[key] !== '');
  const agentOf = (e: CaseEvent) =>
    e.AgentName ?? e.AgentId ?? (typeof e.Resource === 'string' ? e.Resource : null);
  const show = {
    agent: events.some((e) => agentOf(e)),
    queue: has('QueueName'),
    wrapUp: has('WrapUpCode'),
    channel: has('MediaType'),
    conversation: has('ConversationId'),
    attributes: events.some((e) => e.attributes && Object.keys(e.attributes as object).length > 0),
  };

  return (
    <div className="page" data-testid="page-case" data-case-id={data.id}>
      {header}
      <p className="muted" data-testid="case-summary">
        {formatDateTime(first, lang)} → {formatDateTime(last, lang)} · {formatDuration(span, lang)} ·{' '}
        {formatNumber(events.length, lang)} {t.events.toLowerCase()}
        {data.conversations.length > 0 &&
          ` · ${formatNumber(data.conversations.length, lang)} ${t.conversations.toLowerCase()}`}
      </p>
      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t.timeline}</h2>
        <Timeline events={events} colours={colours} />
      </section>
      <div className="case-grid">
        <section className="card" aria-labelledby="events-title">
          <h2 id="events-title">{t.eventsTitle}</h2>
          <div className="table-wrap">
            <table className="data-table compact" data-testid="case-events">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">{t.time}</th>
                  <th scope="col">{t.activity}</th>
                  <th scope="col" className="num">
                    {t.duration}
                  </th>
                  {show.agent && <th scope="col">{t.agent}</th>}
                  {show.queue && <th scope="col">{t.queue}</th>}
                  {show.wrapUp && <th scope="col">{t.wrapUp}</th>}
                  {show.channel && <th scope="col">{t.channel}</th>}
                  {show.conversation && <th scope="col">{t.conversation}</th>}
                  {show.attributes && <th scope="col">{t.eventAttributes}</th>}
                </tr>
              </thead>
              <tbody>
                {events.map((e, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; their order is fixed
                  <tr key={i} data-testid="case-event">
                    <td className="num">{i + 1}</td>
                    <td className="nowrap">{formatDateTime(e.EventTime, lang)}</td>
                    <td>{e.ActivityName}</td>
                    <td className="num">{formatDuration(e.Duration ?? null, lang)}</td>
                    {show.agent && <td>{agentOf(e) ?? '—'}</td>}
                    {show.queue && <td>{e.QueueName ?? '—'}</td>}
                    {show.wrapUp && <td>{e.WrapUpCode ?? '—'}</td>}
                    {show.channel && <td>{e.MediaType ?? '—'}</td>}
                    {show.conversation && (
                      <td>
                        {e.ConversationId ? (
                          <span className="conv" title={e.ConversationId}>
                            <span
                              className="swatch"
                              style={{ background: colours.get(e.ConversationId) ?? '#6b7280' }}
                              aria-hidden="true"
                            />
                            <span className="mono">{e.ConversationId.slice(0, 8)}</span>
                          </span>
                        ) : (
                          '—'
                        )}
                      </td>
                    )}
                    {show.attributes && (
                      <td className="small">
                        {Object.entries((e.attributes as Record<string, unknown> | undefined) ?? {})
                          .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                          .join(' · ') || '—'}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <div className="side-column">
          <section className="card" aria-labelledby="conv-title" hidden={data.conversations.length === 0}>
            <h2 id="conv-title">{t.conversations}</h2>
            {data.conversations.length === 0 ? (
              <p className="muted">{t.noConversations}</p>
            ) : (
              <ul className="conv-list" data-testid="case-conversations">
                {data.conversations.map((c) => (
                  <li key={c}>
                    <span className="swatch" style={{ background: colours.get(c) }} aria-hidden="true" />
                    <span className="mono">{c}</span>
                    {journeyLinks && (
                      <Link
                        href={conversationJourneyPath(c, langQuery(query))}
                        className="small journey-link"
                        aria-label={`${t.customerJourneyOf} ${c}`}
                        data-testid="conversation-journey"
                        data-conversation-id={c}
                      >
                        {t.customerJourney}
                      </Link>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="attr-title">
            <h2 id="attr-title">{t.attributes}</h2>
            {Object.keys(data.attributes).length === 0 && <p className="muted">—</p>}
            <dl className="attributes" data-testid="case-attributes">
              {Object.entries(data.attributes).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{formatAttribute(k, v, i18n)}</dd>
                </div>
              ))}
            </dl>
          </section>
        </div>
      </div>
    </div>
  );
}

interface RenderApi {
  value: (dim: number) => number;
  coord: (point: [number, number]) => [number, number];
  size: (value: [number, number]) => [number, number];
}

function Timeline({ events, colours }: { events: CaseEvent[]; colours: Map<string, string> }) {
  const { t, lang } = useI18n();
  const option = useMemo<EChartsOption>(() => {
    const rows: string[] = [];
    for (const e of events) if (!rows.includes(e.ActivityName)) rows.push(e.ActivityName);
    const data = events.map((e, i) => {
      const start = Date.parse(e.EventTime);
      const end = e.EventEndTime ? Date.parse(e.EventEndTime) : start;
      return {
        value: [rows.indexOf(e.ActivityName), start, Math.max(start, end), i],
        itemStyle: { color: colours.get(colourKey(e) ?? '') ?? '#6b7280' },
      };
    });
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return {
      grid: { left: 8, right: 24, top: 12, bottom: 64, containLabel: true },
      tooltip: {
        formatter: (p: { value: number[] }) => {
          const e = events[p.value[3] as number];
          if (!e) return '';
          return [
            `<strong>${esc(e.ActivityName)}</strong>`,
            esc(formatDateTime(e.EventTime, lang)),
            `${esc(t.duration)}: ${esc(formatDuration(e.Duration ?? null, lang))}`,
            e.AgentName || e.AgentId || e.Resource
              ? `${esc(t.agent)}: ${esc(String(e.AgentName ?? e.AgentId ?? e.Resource))}`
              : '',
            e.QueueName ? `${esc(t.queue)}: ${esc(e.QueueName)}` : '',
            e.WrapUpCode ? `${esc(t.wrapUp)}: ${esc(e.WrapUpCode)}` : '',
          ]
            .filter(Boolean)
            .join('<br>');
        },
      },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter' },
        {
          type: 'slider',
          xAxisIndex: 0,
          height: 20,
          bottom: 12,
          filterMode: 'weakFilter',
          labelFormatter: '',
        },
      ],
      xAxis: {
        type: 'time',
        axisLabel: {
          hideOverlap: true,
          formatter: (value: number) => {
            const d = new Date(value);
            const midnight = d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0;
            return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
              ...(midnight ? { day: 'numeric', month: 'short' } : { hour: '2-digit', minute: '2-digit' }),
            }).format(d);
          },
        },
      },
      yAxis: {
        type: 'category',
        data: rows,
        inverse: true,
        axisTick: { show: false },
        axisLabel: { width: 220, overflow: 'truncate' },
      },
      series: [
        {
          type: 'custom',
          encode: { x: [1, 2], y: 0 },
          renderItem: (_params: unknown, api: RenderApi) => {
            const row = api.value(0);
            const start = api.coord([api.value(1), row]);
            const end = api.coord([api.value(2), row]);
            const band = api.size([0, 1])[1];
            const h = Math.max(6, band * 0.55);
            const w = Math.max(4, end[0] - start[0]);
            return {
              type: 'rect',
              shape: { x: start[0] - (w === 4 ? 2 : 0), y: start[1] - h / 2, width: w, height: h, r: 2 },
              style: { fill: (api as unknown as { visual: (k: string) => string }).visual('color') },
            };
          },
          data,
        },
      ],
    };
  }, [events, colours, lang, t]);
  const rowsCount = new Set(events.map((e) => e.ActivityName)).size;
  return (
    <EChart
      option={option}
      label={t.timeline}
      height={Math.max(200, rowsCount * 30 + 90)}
      testId="case-timeline"
    />
  );
}
