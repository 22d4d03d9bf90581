/**
 * A user as the service returns it and the API answers it (GET /auth/me, /users). Types only, so that the
 * dashboard (web/src/access.ts) can import it.
 */
export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  divisions: string[] | 'all';
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}
