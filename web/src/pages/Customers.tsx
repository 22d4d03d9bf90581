import { type FormEvent, useEffect, useState } from 'react';
import { ApiState, ErrorBox, Loading } from '../components/Status.tsx';
import { getOrganizationTimeZone } from '../filters.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import {
  type CustomerSummary,
  type CustomersResponse,
  customerPath,
  customersUrl,
  langQuery,
} from '../journey.ts';
import { Link, navigate, updateQuery, withQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

/**
 * /customers?q=…: find a customer by any identifier. /customers?conversationId=…: the case view's
 * "Customer journey" link; the page finds that conversation's customer and opens their journey.
 */
export default function Customers({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const conversationId = query.get('conversationId');
  return (
    <div className="page" data-testid="page-customers">
      <div className="page-head">
        <h1>{t.navCustomers}</h1>
      </div>
      {conversationId ? (
        <ConversationCustomer key={conversationId} conversationId={conversationId} query={query} />
      ) : (
        <Search query={query} />
      )}
    </div>
  );
}

function Search({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const q = query.get('q')?.trim() ?? '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const { data, error, reload } = useApi<CustomersResponse>(q ? customersUrl({ q }) : null, {
    cached: false,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    updateQuery({ q: text.trim() });
  };

  return (
    <>
      <search className="card">
        <form className="form-card customer-search" onSubmit={submit} data-testid="customer-search">
          <h2>{t.customerSearch}</h2>
          <p className="muted small customer-search-hint">{t.customerSearchHint}</p>
          <div className="customer-search-row">
            <div className="field">
              <label htmlFor="customer-q">{t.customerSearchLabel}</label>
              <input
                id="customer-q"
                type="search"
                value={text}
                onChange={(e) => setText(e.target.value)}
                autoComplete="off"
                data-testid="customer-search-input"
              />
            </div>
            <button type="submit" className="button primary" data-testid="customer-search-submit">
              {t.customerSearchButton}
            </button>
          </div>
        </form>
      </search>
      {q && (
        <ApiState
          data={data}
          error={error}
          reload={reload}
          isEmpty={(d) => d.items.length === 0}
          empty={t.customerNoMatch}
        >
          {(d) => <Results items={d.items} query={query} />}
        </ApiState>
      )}
    </>
  );
}

function Results({ items, query }: { items: CustomerSummary[]; query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const zone = getOrganizationTimeZone();
  return (
    <section className="card table-card" aria-labelledby="customer-results-title">
      <h2 id="customer-results-title" className="visually-hidden">
        {t.navCustomers}
      </h2>
      <div className="table-wrap">
        <table className="data-table" data-testid="customer-results">
          <thead>
            <tr>
              <th scope="col">{t.customerTitle}</th>
              <th scope="col">{t.customerIdentifiers}</th>
              <th scope="col">{t.lastInteraction}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-testid="customer-result">
                <td>
                  <Link className="mono" href={withQuery(customerPath(c.id), langQuery(query))}>
                    {c.id}
                  </Link>
                </td>
                <td>
                  {c.identifiers === null ? (
                    <span className="masked">{t.hidden}</span>
                  ) : (
                    <ul className="plain-list">
                      {c.identifiers.map((id) => (
                        <li key={id.key}>
                          <span className="muted small">{t[`idKind_${id.kind}`]}</span>{' '}
                          <span className="mono">{id.value}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="nowrap">{formatDateTime(c.lastInteractionAt, lang, zone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ConversationCustomer({ conversationId, query }: { conversationId: string; query: URLSearchParams }) {
  const { t } = useI18n();
  const { data, error, reload } = useApi<CustomersResponse>(customersUrl({ conversationId }), {
    cached: false,
  });
  const only = data?.items.length === 1 ? data.items[0] : undefined;
  const target = only ? withQuery(customerPath(only.id), langQuery(query)) : null;

  useEffect(() => {
    // Replace: going back from the journey returns to the case, not to this in-between page.
    if (target) navigate(target, { replace: true });
  }, [target]);

  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (!data || target) return <Loading label={t.customerResolving} />;
  if (data.items.length === 0) {
    return (
      <div className="status status-empty" data-testid="empty">
        {t.customerOfConversationUnknown} <span className="mono">{conversationId}</span>
      </div>
    );
  }
  return <Results items={data.items} query={query} />;
}
