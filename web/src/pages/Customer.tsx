import { useEffect, useMemo, useState } from 'react';
import { JourneyCard } from '../components/JourneyCard.tsx';
import { Empty, ErrorBox, Loading, Refreshing } from '../components/Status.tsx';
import { getOrganizationTimeZone } from '../filters.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { useI18n } from '../i18n.ts';
import {
  applyStatuses,
  type Identifier,
  type InteractionStatus,
  type JourneyResponse,
  journeyLiveUrl,
  journeyUrl,
  langQuery,
  parseStatusEvent,
} from '../journey.ts';
import { Link, withQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

/** After the live stream is closed for good (e.g. the server restarted), open a new one this much later. */
const RECONNECT_MS = 5_000;

type Connection = 'connecting' | 'open' | 'broken';

/**
 * A customer's journey: every identifier, then the interactions newest first. The page shows the states
 * the server computes: the journey answer, then the `status` events of the live stream; a `journey`
 * event (new or changed interactions) and a reconnection refetch the journey.
 */
export default function Customer({ query, customerId }: { query: URLSearchParams; customerId: string }) {
  const { t } = useI18n();
  const { data, error, loading, reload } = useApi<JourneyResponse>(journeyUrl(customerId), { cached: false });
  /**
   * The latest `status` event of each interaction. It stays right across journey refetches: the server
   * sends one on every status change (and all of them on connect); only a broken stream can miss one, so
   * a reconnection starts over.
   */
  const [received, setReceived] = useState<ReadonlyMap<string, InteractionStatus>>(new Map());
  const [connection, setConnection] = useState<Connection>('connecting');
  const [attempt, setAttempt] = useState(0);
  const failed = error !== undefined;

  useEffect(() => {
    if (failed) return;
    setReceived(new Map());
    setConnection('connecting');
    const source = new EventSource(journeyLiveUrl(customerId));
    let retry: ReturnType<typeof setTimeout> | undefined;
    // A stream reopened after the previous one closed (`attempt`) may have missed journey changes too.
    let interrupted = attempt > 0;
    source.addEventListener('open', () => {
      setConnection('open');
      // Status changes may have been missed meanwhile: start again from the server's answer.
      if (interrupted) {
        interrupted = false;
        setReceived(new Map());
        reload();
      }
    });
    source.addEventListener('error', () => {
      interrupted = true;
      setConnection('broken');
      if (source.readyState === EventSource.CLOSED)
        retry = setTimeout(() => setAttempt((n) => n + 1), RECONNECT_MS);
    });
    source.addEventListener('status', (event) => {
      const change = parseStatusEvent((event as MessageEvent<string>).data);
      if (change) setReceived((map) => new Map(map).set(change.id, change.status));
    });
    source.addEventListener('journey', () => reload());
    return () => {
      clearTimeout(retry);
      source.close();
    };
  }, [customerId, failed, reload, attempt]);

  const items = useMemo(() => (data ? applyStatuses(data.items, received) : []), [data, received]);
  const back = withQuery('/customers', langQuery(query));
  const header = (
    <div className="page-head">
      <Link href={back} className="back-link" data-testid="back-to-customers">
        ← {t.navCustomers}
      </Link>
      <h1>
        {t.customerTitle} <span className="mono">{data?.customer.id ?? customerId}</span>
      </h1>
      {data && !failed && (
        <p className="small muted" data-testid="journey-live" data-connection={connection}>
          {connection === 'broken' ? t.journeyLiveOff : t.journeyLiveOn}
        </p>
      )}
    </div>
  );

  if (error) {
    return (
      <div className="page" data-testid="page-customer">
        {header}
        <ErrorBox error={error} onRetry={error.status === 404 ? undefined : reload} />
      </div>
    );
  }
  if (!data) {
    return (
      <div className="page" data-testid="page-customer">
        {header}
        <Loading />
      </div>
    );
  }
  return (
    <div className="page" data-testid="page-customer" data-customer-id={data.customer.id} aria-busy={loading}>
      {header}
      <Identifiers identifiers={data.customer.identifiers} />
      <section className="journey" aria-labelledby="journey-title">
        <Refreshing active={loading} />
        <h2 id="journey-title">{t.journeyTitle}</h2>
        {items.length === 0 ? (
          <Empty>{t.journeyEmpty}</Empty>
        ) : (
          <ol className="journey-list" data-testid="journey-list">
            {items.map((item) => (
              <JourneyCard key={item.id} item={item} linkQuery={langQuery(query)} />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function Identifiers({ identifiers }: { identifiers: Identifier[] | null }) {
  const { t, lang } = useI18n();
  const zone = getOrganizationTimeZone();
  if (identifiers === null) return <p className="muted small">{t.customerIdentifiersHidden}</p>;
  if (identifiers.length === 0) return null;
  return (
    <section className="card" aria-labelledby="identifiers-title">
      <h2 id="identifiers-title">{t.customerIdentifiers}</h2>
      <ul className="identifier-list" data-testid="customer-identifiers">
        {identifiers.map((id) => (
          <li key={id.key} data-testid="customer-identifier" data-kind={id.kind}>
            <span className="eyebrow">{t[`idKind_${id.kind}`]}</span>
            <span className="mono identifier-value">{id.value}</span>
            <span className="small muted">
              {t.interactionsCount}: {formatNumber(id.interactions, lang)}
              {id.lastSeen && ` · ${t.lastSeen} ${formatDateTime(id.lastSeen, lang, zone)}`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
