import { lazy, Suspense, useEffect, useMemo } from 'react';
import { ADMIN_PAGES, mayOpen, useAccess } from './access.ts';
import { buildUrl, type DatasetsResponse } from './api.ts';
import { AccessGate } from './components/AccessGate.tsx';
import { FilterBar } from './components/FilterBar.tsx';
import { Loading } from './components/Status.tsx';
import { UserMenu } from './components/UserMenu.tsx';
import { carriedOf, FILTER_KEYS } from './filters.ts';
import { detectLang, I18nContext, type Labels, type Lang, makeI18n } from './i18n.ts';
import { Link, navigate, updateQuery, useLocation, withQuery } from './router.tsx';
import { useApi } from './useApi.ts';

const Overview = lazy(() => import('./pages/Overview.tsx'));
const ProcessMap = lazy(() => import('./pages/ProcessMap.tsx'));
const Variants = lazy(() => import('./pages/Variants.tsx'));
const Cases = lazy(() => import('./pages/Cases.tsx'));
const CaseDetail = lazy(() => import('./pages/CaseDetail.tsx'));
const Sources = lazy(() => import('./pages/Sources.tsx'));
const Reports = lazy(() => import('./pages/Reports.tsx'));
const Exports = lazy(() => import('./pages/Exports.tsx'));
const Workflows = lazy(() => import('./pages/Workflows.tsx'));
const AdminUsers = lazy(() => import('./pages/AdminUsers.tsx'));
const AdminRoles = lazy(() => import('./pages/AdminRoles.tsx'));
const AdminAudit = lazy(() => import('./pages/AdminAudit.tsx'));
const Tokens = lazy(() => import('./pages/Tokens.tsx'));
const Customers = lazy(() => import('./pages/Customers.tsx'));
const Customer = lazy(() => import('./pages/Customer.tsx'));
const WorkAgent = lazy(() => import('./pages/WorkAgent.tsx'));
const WorkSupervisor = lazy(() => import('./pages/WorkSupervisor.tsx'));
const WorkAdmin = lazy(() => import('./pages/WorkAdmin.tsx'));

type PageKey =
  | 'overview'
  | 'map'
  | 'variants'
  | 'cases'
  | 'case'
  | 'customers'
  | 'customer'
  | 'reports'
  | 'exports'
  | 'workflows'
  | 'workAgent'
  | 'workSupervisor'
  | 'workAdmin'
  | 'sources'
  | 'adminUsers'
  | 'adminRoles'
  | 'adminAudit'
  | 'tokens'
  | 'forbidden'
  | 'notFound';

/** Titles of the pages outside the main navigation. */
const OTHER_TITLES: Partial<Record<PageKey, keyof Labels>> = {
  adminUsers: 'adminUsers',
  adminRoles: 'adminRoles',
  adminAudit: 'adminAudit',
  tokens: 'myTokens',
  workSupervisor: 'navWork',
  workAdmin: 'navWork',
  forbidden: 'forbidden',
};

function route(path: string): { page: PageKey; caseId?: string; customerId?: string } {
  const p = path.replace(/\/+$/, '') || '/';
  if (p === '/') return { page: 'overview' };
  if (p === '/map') return { page: 'map' };
  if (p === '/variants') return { page: 'variants' };
  if (p === '/cases') return { page: 'cases' };
  if (p === '/sources') return { page: 'sources' };
  if (p === '/reports') return { page: 'reports' };
  if (p === '/exports') return { page: 'exports' };
  if (p === '/workflows') return { page: 'workflows' };
  if (p === '/work') return { page: 'workAgent' };
  if (p === '/work/supervisor') return { page: 'workSupervisor' };
  if (p === '/work/admin') return { page: 'workAdmin' };
  const m = /^\/cases\/([^/]+)$/.exec(p);
  if (m?.[1]) return { page: 'case', caseId: decodeURIComponent(m[1]) };
  if (p === '/customers') return { page: 'customers' };
  const c = /^\/customers\/([^/]+)$/.exec(p);
  if (c?.[1]) return { page: 'customer', customerId: decodeURIComponent(c[1]) };
  const admin = ADMIN_PAGES.find((a) => a.path === p);
  if (admin) return { page: admin.page };
  if (p === '/settings/tokens') return { page: 'tokens' };
  return { page: 'notFound' };
}

const NAV: {
  page: PageKey;
  path: string;
  label:
    | 'navOverview'
    | 'navMap'
    | 'navVariants'
    | 'navCases'
    | 'navCustomers'
    | 'navReports'
    | 'navExports'
    | 'navWorkflows'
    | 'navWork'
    | 'navSources';
}[] = [
  { page: 'overview', path: '/', label: 'navOverview' },
  { page: 'map', path: '/map', label: 'navMap' },
  { page: 'variants', path: '/variants', label: 'navVariants' },
  { page: 'cases', path: '/cases', label: 'navCases' },
  { page: 'customers', path: '/customers', label: 'navCustomers' },
  { page: 'reports', path: '/reports', label: 'navReports' },
  { page: 'exports', path: '/exports', label: 'navExports' },
  { page: 'workflows', path: '/workflows', label: 'navWorkflows' },
  { page: 'workAgent', path: '/work', label: 'navWork' },
  { page: 'sources', path: '/sources', label: 'navSources' },
];

/**
 * The Reports page has its own filter (team, agent as an id, channel, business hours): only the period,
 * the language and the dataset travel between it and the other pages.
 */
const SHARED_WITH_REPORTS = ['from', 'to', 'lang', 'dataset'];

function navQuery(target: PageKey, current: PageKey, carried: URLSearchParams): URLSearchParams {
  if (target !== 'reports' && current !== 'reports') return carried;
  const out = new URLSearchParams();
  for (const key of SHARED_WITH_REPORTS) {
    const value = carried.get(key);
    if (value) out.set(key, value);
  }
  return out;
}

export function App() {
  return (
    <AccessGate>
      <Dashboard />
    </AccessGate>
  );
}

function Dashboard() {
  const { can } = useAccess();
  const { path, query } = useLocation();
  const lang = detectLang(query);
  const dataset = query.get('dataset') || 'default';
  // Datasets are the mining pages' (the process map's permission): others see no dataset selector.
  const mining = mayOpen('map', can);
  const datasets = useApi<DatasetsResponse>(mining ? buildUrl('/datasets') : null);
  // As the API: French activity labels apply to the Genesys-derived log only.
  const translate = dataset === 'default';
  const i18n = useMemo(() => makeI18n(lang, translate), [lang, translate]);
  const { t } = i18n;
  const { page: routed, caseId, customerId } = route(path);
  const page: PageKey = mayOpen(routed, can) ? routed : 'forbidden';
  const carried = carriedOf(query);
  // Without the overview's permission, home is the first page the user may open.
  const home = NAV.find((n) => mayOpen(n.page, can));
  const adminHome = ADMIN_PAGES.find((a) => mayOpen(a.page, can));
  const langOnly = new URLSearchParams(query.has('lang') ? { lang: query.get('lang') ?? '' } : {});
  useEffect(() => {
    if (routed === 'overview' && page === 'forbidden' && home)
      navigate(withQuery(home.path, carriedOf(new URLSearchParams(window.location.search))), {
        replace: true,
      });
  }, [routed, page, home]);

  useEffect(() => {
    document.documentElement.lang = lang;
    try {
      window.localStorage.setItem('caseflow.lang', lang);
    } catch {
      // storage may be disabled
    }
  }, [lang]);

  useEffect(() => {
    const name =
      page === 'case'
        ? `${t.caseTitle} ${caseId}`
        : page === 'customer'
          ? `${t.customerTitle} ${customerId}`
          : page === 'notFound'
            ? t.notFound
            : t[NAV.find((n) => n.page === page)?.label ?? OTHER_TITLES[page] ?? 'navOverview'];
    document.title = `${name} · Caseflow`;
  }, [page, caseId, customerId, t]);

  const setLang = (l: Lang) => updateQuery({ lang: l }, { replace: true });
  const setDataset = (name: string) =>
    updateQuery({
      ...Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])),
      dataset: name === 'default' ? undefined : name,
      page: undefined,
    });

  const datasetItems = datasets.data?.items ?? [];
  const datasetNames = datasetItems.some((d) => d.name === dataset)
    ? datasetItems
    : [{ name: dataset, format: '', source: null, importedAt: null, events: 0, cases: 0 }, ...datasetItems];

  return (
    <I18nContext.Provider value={i18n}>
      <a className="skip-link" href="#main">
        {t.skipToContent}
      </a>
      <header className="app-header">
        <Link
          href={withQuery('/', navQuery('overview', page, carried))}
          className="brand"
          aria-label="Caseflow"
        >
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Caseflow
        </Link>
        <nav aria-label={t.mainNav} className="main-nav">
          {NAV.filter((n) => mayOpen(n.page, can)).map((n) => (
            <Link
              key={n.page}
              href={withQuery(n.path, navQuery(n.page, page, carried))}
              aria-current={
                page === n.page ||
                (n.page === 'cases' && page === 'case') ||
                (n.page === 'customers' && page === 'customer') ||
                (n.page === 'workAgent' && (page === 'workSupervisor' || page === 'workAdmin'))
                  ? 'page'
                  : undefined
              }
              data-testid={`nav-${n.page}`}
            >
              {t[n.label]}
            </Link>
          ))}
          {adminHome && (
            <Link
              href={withQuery(adminHome.path, langOnly)}
              aria-current={ADMIN_PAGES.some((a) => a.page === page) ? 'page' : undefined}
              data-testid="nav-admin"
            >
              {t.navAdmin}
            </Link>
          )}
        </nav>
        <div className="header-controls">
          {mining && (
            <label className="inline-field">
              <span>{t.dataset}</span>
              <select
                value={dataset}
                onChange={(e) => setDataset(e.target.value)}
                data-testid="dataset-select"
              >
                {datasetNames.map((d) => (
                  <option key={d.name} value={d.name}>
                    {d.name}
                    {d.format ? ` (${d.format})` : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          <fieldset className="lang-switch" data-testid="lang-switch">
            <legend className="visually-hidden">{t.language}</legend>
            {(['en', 'fr'] as const).map((l) => (
              <button
                key={l}
                type="button"
                aria-pressed={lang === l}
                onClick={() => setLang(l)}
                data-testid={`lang-${l}`}
                lang={l}
                title={l === 'en' ? 'English' : 'Français'}
              >
                {l.toUpperCase()}
              </button>
            ))}
          </fieldset>
          <UserMenu />
        </div>
      </header>
      {/* The filter applies to the mining pages only. */}
      {(page === 'overview' || page === 'map' || page === 'variants' || page === 'cases') && (
        <FilterBar query={query} dataset={dataset} />
      )}
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          {page === 'overview' && <Overview query={query} />}
          {page === 'map' && <ProcessMap query={query} />}
          {page === 'variants' && <Variants query={query} />}
          {page === 'cases' && <Cases query={query} />}
          {page === 'case' && caseId && <CaseDetail query={query} caseId={caseId} />}
          {page === 'customers' && <Customers query={query} />}
          {page === 'customer' && customerId && (
            <Customer key={customerId} query={query} customerId={customerId} />
          )}
          {page === 'reports' && <Reports query={query} />}
          {page === 'exports' && <Exports />}
          {page === 'workflows' && <Workflows query={query} />}
          {page === 'workAgent' && <WorkAgent />}
          {page === 'workSupervisor' && <WorkSupervisor />}
          {page === 'workAdmin' && <WorkAdmin query={query} />}
          {page === 'sources' && <Sources />}
          {page === 'adminUsers' && <AdminUsers />}
          {page === 'adminRoles' && <AdminRoles />}
          {page === 'adminAudit' && <AdminAudit query={query} />}
          {page === 'tokens' && <Tokens />}
          {page === 'forbidden' && (
            <div className="status status-empty" data-testid="forbidden">
              <p>{t.forbidden}</p>
            </div>
          )}
          {page === 'notFound' && (
            <div className="status status-empty" data-testid="not-found">
              <p>{t.notFound}</p>
              <Link href={withQuery('/', carried)}>{t.backToOverview}</Link>
            </div>
          )}
        </Suspense>
      </main>
    </I18nContext.Provider>
  );
}
