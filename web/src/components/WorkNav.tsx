import { mayOpen, useAccess } from '../access.ts';
import { Link, useLocation, withQuery } from '../router.tsx';
import { useWorkText, type WorkLabels } from '../work.ts';

/** The work automation pages, in the order people use them; each shown only with its permission. */
export const WORK_PAGES: { page: string; path: string; label: keyof WorkLabels }[] = [
  { page: 'workAgent', path: '/work', label: 'navWorkAgent' },
  { page: 'workSupervisor', path: '/work/supervisor', label: 'navWorkSupervisor' },
  { page: 'workAdmin', path: '/work/admin', label: 'navWorkAdmin' },
];

export function WorkNav() {
  const { w } = useWorkText();
  const { can } = useAccess();
  const { path, query } = useLocation();
  const lang = query.get('lang');
  return (
    <nav className="sub-nav" aria-label={w.workNav} data-testid="work-nav">
      {WORK_PAGES.filter((p) => mayOpen(p.page, can)).map((p) => (
        <Link
          key={p.page}
          href={withQuery(p.path, lang ? { lang } : {})}
          aria-current={path.replace(/\/+$/, '') === p.path ? 'page' : undefined}
          data-testid={`work-nav-${p.page}`}
        >
          {w[p.label]}
        </Link>
      ))}
    </nav>
  );
}
