import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { type Access, AccessContext, type Me, makeCan } from '../access.ts';
import { ApiError, buildUrl, getJson, sendNoContent, setUnauthorizedHandler } from '../api.ts';
import { detectLang, I18nContext, makeI18n } from '../i18n.ts';
import Login from '../pages/Login.tsx';
import { navigate, useLocation, withQuery } from '../router.tsx';
import { clearApiCache } from '../useApi.ts';
import { ErrorBox, Loading } from './Status.tsx';

/** Their 401 is an answer to show (wrong password), not the end of the session. */
const AUTH_URLS = ['/api/v1/auth/login', '/api/v1/auth/password'];

/**
 * Asks the server who is signed in (GET /auth/me) before anything else. Dev mode: the app as it is.
 * Login mode without a session: the sign-in page at the wanted URL. Any later 401 (the session ended)
 * brings the sign-in page back, and the app returns to the same URL once signed in again.
 */
export function AccessGate({ children }: { children: ReactNode }) {
  const { query } = useLocation();
  const lang = detectLang(query);
  const langParam = query.get('lang');
  const i18n = useMemo(() => makeI18n(lang, false), [lang]);
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [expired, setExpired] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      const answer = await getJson<Me>(buildUrl('/auth/me'));
      clearApiCache();
      setMe(answer);
      if (answer.user) setExpired(false);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  }, []);

  useEffect(() => {
    load();
  }, [load]);

  useEffect(() => {
    setUnauthorizedHandler((url) => {
      if (AUTH_URLS.some((u) => url.startsWith(u))) return;
      clearApiCache();
      setExpired(true);
      setMe((m) => (m && m.mode === 'login' ? { ...m, user: null, permissions: [], divisions: [] } : m));
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const access = useMemo<Access | null>(
    () =>
      me && {
        me,
        can: makeCan(me),
        signOut: async () => {
          await sendNoContent('POST', buildUrl('/auth/logout'));
          clearApiCache();
          setExpired(false);
          setMe({ ...me, user: null, permissions: [], divisions: [] });
          navigate(withQuery('/', langParam ? { lang: langParam } : {}), { replace: true });
        },
      },
    [me, langParam],
  );

  let content: ReactNode;
  if (error) content = <ErrorBox error={error} onRetry={load} />;
  else if (!me || !access) content = <Loading />;
  else if (me.mode === 'login' && !me.user) content = <Login expired={expired} onSignedIn={load} />;
  else content = <AccessContext.Provider value={access}>{children}</AccessContext.Provider>;
  return <I18nContext.Provider value={i18n}>{content}</I18nContext.Provider>;
}
