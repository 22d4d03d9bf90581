import { useEffect, useId, useRef, useState } from 'react';
import { type User, useAccess } from '../access.ts';
import { useI18n } from '../i18n.ts';
import { Link, useLocation, withQuery } from '../router.tsx';
import { PasswordDialog } from './PasswordDialog.tsx';

/**
 * The header's user area: in dev mode the local user; signed in, the user's name with their API tokens,
 * change password and sign out.
 */
export function UserMenu() {
  const { t } = useI18n();
  const { me } = useAccess();
  if (me.mode === 'dev' || !me.user)
    return (
      <span className="user-name" data-testid="user-name" title={t.devModeHint}>
        {t.devUser}
      </span>
    );
  return <SignedInMenu user={me.user} />;
}

/**
 * A disclosure menu: the button toggles the list; a click outside it, Escape or the focus leaving it
 * closes it (Escape puts the focus back on the button).
 */
function SignedInMenu({ user }: { user: User }) {
  const { t } = useI18n();
  const { signOut } = useAccess();
  const { query } = useLocation();
  const lang = query.get('lang');
  const [open, setOpen] = useState(false);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listId = useId();

  useEffect(() => {
    if (!open) return;
    // A click elsewhere, or the focus moving elsewhere (Tab), closes the menu.
    const onOutside = (event: Event) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('pointerdown', onOutside);
    document.addEventListener('focusin', onOutside);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onOutside);
      document.removeEventListener('focusin', onOutside);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

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
      <div ref={rootRef} className="user-menu" data-testid="user-menu" data-open={open}>
        <button
          ref={buttonRef}
          type="button"
          className="user-menu-toggle"
          aria-expanded={open}
          aria-controls={listId}
          onClick={() => setOpen((o) => !o)}
          data-testid="user-name"
        >
          <span className="visually-hidden">{t.signedInAs} </span>
          <span data-testid="signed-in-name">{user.displayName || user.username}</span>
          <span className="user-menu-caret" aria-hidden="true">
            ▾
          </span>
        </button>
        <div id={listId} className="user-menu-list" hidden={!open} data-testid="user-menu-list">
          <span className="muted small">
            {t.signedInAs} <strong>{user.username}</strong>
          </span>
          <Link
            href={withQuery('/settings/tokens', lang ? { lang } : {})}
            onClick={() => setOpen(false)}
            data-testid="menu-tokens"
          >
            {t.myTokens}
          </Link>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setOpen(false);
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
      </div>
      <PasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </>
  );
}
