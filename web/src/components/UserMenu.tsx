import { useState } from 'react';
import { useAccess } from '../access.ts';
import { useI18n } from '../i18n.ts';
import { Link, useLocation, withQuery } from '../router.tsx';
import { PasswordDialog } from './PasswordDialog.tsx';

/**
 * The header's user area: in dev mode the local user; signed in, the user's name with their API tokens,
 * change password and sign out.
 */
export function UserMenu() {
  const { t } = useI18n();
  const { me, signOut } = useAccess();
  const { query } = useLocation();
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const lang = query.get('lang');

  if (me.mode === 'dev' || !me.user)
    return (
      <span className="user-name" data-testid="user-name" title={t.devModeHint}>
        {t.devUser}
      </span>
    );

  const out = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      setSigningOut(false);
    }
  };

  return (
    <>
      <details
        className="user-menu"
        open={menuOpen}
        onToggle={(e) => setMenuOpen(e.currentTarget.open)}
        data-testid="user-menu"
      >
        <summary className="user-menu-toggle" data-testid="user-name">
          <span className="visually-hidden">{t.signedInAs} </span>
          <span data-testid="signed-in-name">{me.user.displayName || me.user.username}</span>
        </summary>
        <div className="user-menu-list">
          <span className="muted small">
            {t.signedInAs} <strong>{me.user.username}</strong>
          </span>
          <Link
            href={withQuery('/settings/tokens', lang ? { lang } : {})}
            onClick={() => setMenuOpen(false)}
            data-testid="menu-tokens"
          >
            {t.myTokens}
          </Link>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setMenuOpen(false);
              setPasswordOpen(true);
            }}
            data-testid="menu-password"
          >
            {t.changePassword}
          </button>
          <button
            type="button"
            className="link-button"
            onClick={out}
            disabled={signingOut}
            data-testid="sign-out"
          >
            {t.signOut}
          </button>
        </div>
      </details>
      <PasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </>
  );
}
