import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FULL_SCOPE } from '../../access/index.ts';
import { computeKpis } from '../../eventlog/index.ts';
import { iso, type Store } from '../../store/index.ts';

const LABELS = {
  en: {
    title: 'Caseflow — service-request event log',
    loaded: 'What is loaded',
    conversations: 'Conversations',
    cases: 'Service requests',
    events: 'Events',
    period: 'Period',
    sources: 'Source systems',
    sla: 'SLA compliance',
    fcr: 'First-contact resolution',
    reopen: 'Reopened',
    empty: 'No data yet: run `caseflow demo` or `caseflow import genesys <path>`.',
    api: 'API',
    docs: 'API documentation (OpenAPI)',
    note: 'The dashboard (overview, process map, variants, cases) is at /.',
  },
  fr: {
    title: 'Caseflow — journal d’événements des demandes de service',
    loaded: 'Données chargées',
    conversations: 'Conversations',
    cases: 'Demandes de service',
    events: 'Événements',
    period: 'Période',
    sources: 'Systèmes source',
    sla: 'Conformité SLA',
    fcr: 'Résolution au premier contact',
    reopen: 'Rouvertes',
    empty: 'Aucune donnée : lancez `caseflow demo` ou `caseflow import genesys <chemin>`.',
    api: 'API',
    docs: 'Documentation de l’API (OpenAPI)',
    note: 'Le tableau de bord (vue d’ensemble, carte des processus, variantes, cas) est à la racine /.',
  },
} as const;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Placeholder home page: what is loaded, in French or English (?lang=, else Accept-Language). */
export const homeRoutes: FastifyPluginAsyncZod<{ store: Store; paths: string[] }> = async (
  app,
  { store, paths },
) => {
  for (const url of paths)
    app.get(
      url,
      {
        config: { access: 'admin:status:view' },
        schema: { hide: true, querystring: z.object({ lang: z.enum(['en', 'fr']).optional() }) },
      },
      async (request, reply) => {
        const lang =
          request.query.lang ?? (/^fr\b/i.test(request.headers['accept-language'] ?? '') ? 'fr' : 'en');
        const t = LABELS[lang];
        // The status page needs admin:status:view: what the whole store holds.
        const kpis = await computeKpis(store, FULL_SCOPE);
        const span = await store.db.one<{
          first: string | null;
          last: string | null;
          sources: string | null;
        }>(`
        SELECT ${iso('min(EventTime)')} AS first, ${iso('max(EventTime)')} AS last,
          string_agg(DISTINCT SourceSystem, ', ') AS sources FROM events`);
        const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);
        const rows: [string, string][] = [
          [t.conversations, String(kpis.conversations)],
          [t.cases, String(kpis.cases)],
          [t.events, String(kpis.events)],
          [t.period, span?.first ? `${span.first} → ${span.last}` : '—'],
          [t.sources, span?.sources ?? '—'],
          [t.sla, pct(kpis.slaCompliancePct)],
          [t.fcr, pct(kpis.firstContactResolutionPct)],
          [t.reopen, pct(kpis.reopenPct)],
        ];
        const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1f2933}
table{border-collapse:collapse}th,td{text-align:left;padding:.35rem 1rem .35rem 0;border-bottom:1px solid #e4e7eb}
th{font-weight:500;color:#52606d}code{background:#f5f7fa;padding:.1rem .3rem}nav a{margin-right:1rem}</style></head>
<body><nav><a href="?lang=en" hreflang="en">English</a><a href="?lang=fr" hreflang="fr">Français</a></nav>
<h1>${escapeHtml(t.title)}</h1>
<h2>${escapeHtml(t.loaded)}</h2>
${kpis.events === 0 ? `<p id="empty">${escapeHtml(t.empty)}</p>` : ''}
<table id="loaded">${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<h2>${escapeHtml(t.api)}</h2><p><a href="/">${escapeHtml(t.note)}</a></p>
<ul><li><a href="/api/docs">${escapeHtml(t.docs)}</a></li><li><a href="/api/v1/health"><code>/api/v1/health</code></a></li>
<li><a href="/api/v1/kpis"><code>/api/v1/kpis</code></a></li><li><a href="/api/v1/eventlog?pageSize=20"><code>/api/v1/eventlog</code></a></li>
<li><a href="/api/openapi.json"><code>/api/openapi.json</code></a></li></ul>
</body></html>`;
        return reply.type('text/html; charset=utf-8').send(html);
      },
    );
};
