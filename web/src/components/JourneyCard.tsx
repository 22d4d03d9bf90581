import { useId, useState } from 'react';
import { getOrganizationTimeZone } from '../filters.ts';
import { formatDateTime, formatDuration, formatNumber } from '../format.ts';
import { type I18n, useI18n } from '../i18n.ts';
import { CHANNEL_ICONS, type DetailValue, type Interaction, isChannel } from '../journey.ts';
import { Link, withQuery } from '../router.tsx';
import { LiveStatus } from './LiveStatus.tsx';

function channelLabel(channel: string, t: I18n['t']): string {
  return isChannel(channel) ? t[`channel_${channel}`] : channel;
}

const DURATION_DETAIL = /Seconds$/;

function detailText(key: string, value: DetailValue, i18n: I18n): string {
  if (value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? i18n.t.yes : i18n.t.no;
  if (typeof value === 'number' && DURATION_DETAIL.test(key)) return formatDuration(value, i18n.lang);
  if (typeof value === 'number') return formatNumber(value, i18n.lang, Number.isInteger(value) ? 0 : 2);
  return value;
}

/** A value the viewer may not see: "hidden" rather than an empty cell. */
function Masked({ value, masked }: { value: string | null; masked: boolean }) {
  const { t } = useI18n();
  if (value !== null) return <>{value}</>;
  if (masked) return <span className="masked">{t.hidden}</span>;
  return <>—</>;
}

/**
 * One interaction of a customer's journey: state or date, channel and direction, the last queue and
 * agent, wrap-up code, duration, CSAT and case. The toggle (the whole card is its click target) shows
 * the routing path and the event's details.
 */
export function JourneyCard({ item, linkQuery }: { item: Interaction; linkQuery: Record<string, string> }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [open, setOpen] = useState(false);
  const moreId = useId();
  const zone = getOrganizationTimeZone();
  const state = item.status.state;
  const channel = isChannel(item.channel) ? item.channel : 'other';
  const routed = item.kind !== 'webEvent';
  const when = formatDateTime(item.startedAt, lang, zone);

  return (
    <li
      className={`journey-card card${open ? ' open' : ''}`}
      data-testid="journey-card"
      data-interaction-id={item.id}
      data-channel={item.channel}
      data-state={state}
    >
      <div className="journey-row">
        <div className="journey-when">
          {state === 'ended' ? (
            <time dateTime={item.startedAt} data-testid="journey-date">
              {when}
            </time>
          ) : (
            <>
              <LiveStatus state={state} />
              <span className="small muted">
                {t.startedAt} <time dateTime={item.startedAt}>{when}</time>
              </span>
            </>
          )}
        </div>
        <div className="journey-channel">
          <span className="channel-name" data-testid="journey-channel">
            <span className="channel-icon" aria-hidden="true">
              {CHANNEL_ICONS[channel]}
            </span>
            {channelLabel(item.channel, t)}
          </span>
          <span className="small muted">
            {[item.direction ? t[`direction_${item.direction}`] : null, item.agentless ? t.agentless : null]
              .filter(Boolean)
              .join(' · ')}
          </span>
          {item.title && <span className="journey-title small">{item.title}</span>}
        </div>
        <dl className="journey-route">
          {routed && (
            <>
              <div>
                <dt>{t.queue}</dt>
                <dd data-testid="journey-queue">
                  <Masked value={item.queue} masked={item.masked.queue} />
                </dd>
              </div>
              <div>
                <dt>{t.agent}</dt>
                <dd data-testid="journey-agent">
                  {item.agent ? (item.agent.name ?? item.agent.id) : '—'}
                  {item.transferred && (
                    <span className="flag transferred" data-testid="journey-transferred">
                      {t.transferred}
                    </span>
                  )}
                </dd>
              </div>
            </>
          )}
        </dl>
        <dl className="journey-figures">
          {(item.wrapUpCode !== null || item.masked.wrapUpCode) && (
            <div>
              <dt>{t.wrapUp}</dt>
              <dd data-testid="journey-wrapup">
                <Masked value={item.wrapUpCode} masked={item.masked.wrapUpCode} />
              </dd>
            </div>
          )}
          {item.durationSeconds !== null && (
            <div>
              <dt>{t.duration}</dt>
              <dd data-testid="journey-duration">{formatDuration(item.durationSeconds, lang)}</dd>
            </div>
          )}
          {item.csat !== null && (
            <div>
              <dt>{t.csat}</dt>
              <dd data-testid="journey-csat">
                {formatNumber(item.csat, lang, Number.isInteger(item.csat) ? 0 : 1)}
              </dd>
            </div>
          )}
          {item.serviceRequest && (
            <div>
              <dt>{t.caseTitle}</dt>
              <dd>
                <Link
                  className="journey-case mono"
                  href={withQuery(`/cases/${encodeURIComponent(item.serviceRequest)}`, linkQuery)}
                  data-testid="journey-case"
                >
                  {item.serviceRequest}
                </Link>
              </dd>
            </div>
          )}
        </dl>
        <button
          type="button"
          className="journey-toggle"
          aria-expanded={open}
          aria-controls={moreId}
          onClick={() => setOpen((o) => !o)}
          data-testid="journey-toggle"
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          <span className="visually-hidden">{open ? t.hideDetails : t.showDetails}</span>
        </button>
      </div>
      <div id={moreId} className="journey-more" hidden={!open} data-testid="journey-more">
        {open && <More item={item} i18n={i18n} />}
      </div>
    </li>
  );
}

function More({ item, i18n }: { item: Interaction; i18n: I18n }) {
  const { t, lang } = i18n;
  const zone = getOrganizationTimeZone();
  if (item.path === null && item.details === null) return <p className="muted">{t.detailsNeedPermission}</p>;
  const details = Object.entries(item.details ?? {});
  const path = item.path ?? [];
  if (path.length === 0 && details.length === 0) return <p className="muted">{t.noDetails}</p>;
  return (
    <div className="journey-more-grid">
      {path.length > 0 && (
        <section>
          <h3>{t.routingPath}</h3>
          <ol className="journey-path" data-testid="journey-path">
            {path.map((step, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the path is fixed; one queue/agent may recur
              <li key={i} data-testid="journey-path-step">
                <time dateTime={step.at} className="small muted">
                  {formatDateTime(step.at, lang, zone)}
                </time>
                <span>
                  <Masked value={step.queue} masked={item.masked.queue} />
                  {' → '}
                  {step.agent ?? '—'}
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}
      {details.length > 0 && (
        <section>
          <h3>{t.interactionDetails}</h3>
          <dl className="attributes" data-testid="journey-details">
            {details.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{detailText(key, value, i18n)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </div>
  );
}
