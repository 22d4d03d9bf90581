import { ADMIN_PAGES, mayOpen, useAccess } from '../access.ts';
import { useI18n } from '../i18n.ts';
import { Link, useLocation, withQuery } from '../router.tsx';

/** The administration pages the user may open, as links above each of them. */
export function AdminNav() {
  const { t } = useI18n();
  const { can } = useAccess();
  const { path, query } = useLocation();
  const lang = query.get('lang');
  return (
    <nav className="sub-nav" aria-label={t.navAdmin} data-testid="admin-nav">
      {ADMIN_PAGES.filter((p) => mayOpen(p.page, can)).map((p) => (
        <Link
          key={p.page}
          href={withQuery(p.path, lang ? { lang } : {})}
          aria-current={path === p.path ? 'page' : undefined}
          data-testid={`admin-nav-${p.page}`}
        >
          {t[p.label]}
        </Link>
      ))}
    </nav>
  );
}
