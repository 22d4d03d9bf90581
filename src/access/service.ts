import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { AccessConfig } from '../config/index.ts';
import type { OperationalSchema } from '../store/index.ts';
import { type AuditEntry, audit, failedLoginsSince } from './audit.ts';
import { newSessionId, newToken, parseToken, sameHash, sha256 } from './credentials.ts';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { grants, isKnownPattern, matches, PERMISSION_NAMES } from './permissions.ts';
import { can, type Principal } from './principal.ts';
import { BUILTIN_ROLES, builtinRole, type Role } from './roles.ts';
import type { User } from './user.ts';

type Db = Kysely<OperationalSchema>;

export type { User } from './user.ts';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A refused request: `status` is the HTTP status the API answers with. */
export class AccessError extends Error {
  override name = 'AccessError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 429,
    message: string,
  ) {
    super(message);
  }
}

export interface NewUser {
  username: string;
  displayName?: string;
  password?: string;
  roles: string[];
  divisions: string[] | 'all';
}

export interface UserPatch {
  displayName?: string;
  password?: string;
  roles?: string[];
  divisions?: string[] | 'all';
  disabled?: boolean;
}

/** Who did it, for the audit log; `principal`: what they hold (the API), absent for the CLI (the owner). */
export interface Actor {
  username: string;
  ip?: string | null;
  principal?: Principal;
}

/** Does the principal hold every known permission the patterns grant? */
const holdsAll = (principal: Principal, patterns: readonly string[]): boolean =>
  PERMISSION_NAMES.every((p) => !grants(patterns, p) || can(principal, p));

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;
const ROLE_NAME = /^[a-z][a-z0-9_-]{1,39}$/;
/** last_seen_at / last_used_at are written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const divisionsOf = (value: unknown): string[] | 'all' => (value === 'all' ? 'all' : strings(value));

/**
 * Users, passwords, sessions, API tokens and roles in the operational store. Every change is committed
 * before it is answered and written to the audit log.
 */
export class AccessService {
  private readonly now: () => number;

  constructor(
    readonly db: Db,
    private readonly config: AccessConfig,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private audit(entry: AuditEntry): Promise<void> {
    return audit(this.db, { at: this.iso(), ...entry });
  }

  private iso(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString();
  }

  // ── Roles ────────────────────────────────────────────────────────────────────────────────────────

  async listRoles(): Promise<Role[]> {
    const rows = await this.db.selectFrom('access_roles').selectAll().orderBy('name').execute();
    return [
      ...BUILTIN_ROLES,
      ...rows.map((r) => ({
        name: r.name,
        description: r.description,
        permissions: strings(r.permissions),
        builtin: false,
      })),
    ];
  }

  private async permissionsOf(roles: readonly string[]): Promise<string[]> {
    const custom = roles.filter((r) => !builtinRole(r));
    const rows =
      custom.length > 0
        ? await this.db.selectFrom('access_roles').select('permissions').where('name', 'in', custom).execute()
        : [];
    const patterns = new Set<string>();
    for (const r of roles) for (const p of builtinRole(r)?.permissions ?? []) patterns.add(p);
    for (const row of rows) for (const p of strings(row.permissions)) patterns.add(p);
    return [...patterns];
  }

  private checkPermissions(permissions: readonly string[]): void {
    if (permissions.length === 0)
      throw new AccessError(400, 'permissions: a role needs at least one permission');
    const unknown = permissions.filter((p) => !isKnownPattern(p));
    if (unknown.length > 0)
      throw new AccessError(
        400,
        `permissions: unknown ${unknown.map((p) => `"${p}"`).join(', ')} (GET /api/v1/permissions lists them)`,
      );
  }

  async createRole(
    role: { name: string; description?: string; permissions: string[] },
    actor: Actor,
  ): Promise<Role> {
    if (!ROLE_NAME.test(role.name))
      throw new AccessError(
        400,
        'name: 2–40 characters, lower case letters, digits, - and _, starting with a letter',
      );
    if (builtinRole(role.name)) throw new AccessError(409, `"${role.name}" is a built-in role`);
    this.checkPermissions(role.permissions);
    this.checkGrantable(role.permissions, actor);
    const inserted = await this.db
      .insertInto('access_roles')
      .values({
        name: role.name,
        description: role.description ?? '',
        permissions: JSON.stringify(role.permissions),
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('name')
      .executeTakeFirst();
    if (!inserted) throw new AccessError(409, `a role "${role.name}" exists already`);
    await this.audit({
      actor: actor.username,
      action: 'role.create',
      target: role.name,
      details: { permissions: role.permissions },
      ip: actor.ip,
    });
    return {
      name: role.name,
      description: role.description ?? '',
      permissions: role.permissions,
      builtin: false,
    };
  }

  async updateRole(
    name: string,
    patch: { description?: string; permissions?: string[] },
    actor: Actor,
  ): Promise<Role> {
    if (builtinRole(name)) throw new AccessError(409, `"${name}" is a built-in role: it cannot be changed`);
    if (patch.permissions) {
      this.checkPermissions(patch.permissions);
      this.checkGrantable(patch.permissions, actor);
    }
    const before = await this.db
      .selectFrom('access_roles')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!before) throw new AccessError(404, `no role "${name}"`);
    const row = await this.db
      .updateTable('access_roles')
      .set({
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.permissions ? { permissions: JSON.stringify(patch.permissions) } : {}),
        updated_at: this.iso(),
      })
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.audit({
      actor: actor.username,
      action: 'role.update',
      target: name,
      details: { before: strings(before.permissions), after: strings(row.permissions) },
      ip: actor.ip,
    });
    return { name, description: row.description, permissions: strings(row.permissions), builtin: false };
  }

  async deleteRole(name: string, actor: Actor): Promise<void> {
    if (builtinRole(name)) throw new AccessError(409, `"${name}" is a built-in role: it cannot be deleted`);
    const users = await this.listUsers();
    const holders = users.filter((u) => u.roles.includes(name)).map((u) => u.username);
    if (holders.length > 0)
      throw new AccessError(409, `role "${name}" is held by ${holders.join(', ')}: take it from them first`);
    const deleted = await this.db.deleteFrom('access_roles').where('name', '=', name).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw new AccessError(404, `no role "${name}"`);
    await this.audit({ actor: actor.username, action: 'role.delete', target: name, ip: actor.ip });
  }

  private async checkRoles(roles: readonly string[], actor: Actor): Promise<void> {
    const all = await this.listRoles();
    const known = new Set(all.map((r) => r.name));
    const unknown = roles.filter((r) => !known.has(r));
    if (unknown.length > 0)
      throw new AccessError(400, `roles: unknown ${unknown.map((r) => `"${r}"`).join(', ')}`);
    const granter = actor.principal;
    if (!granter) return;
    const beyond = all
      .filter((r) => roles.includes(r.name) && !holdsAll(granter, r.permissions))
      .map((r) => r.name);
    if (beyond.length > 0)
      throw new AccessError(
        403,
        `roles: ${beyond.map((r) => `"${r}"`).join(', ')} grant permissions you do not hold`,
      );
  }

  /** Nobody hands out divisions they do not see themselves. */
  private checkDivisions(divisions: string[] | 'all' | undefined, actor: Actor): void {
    const mine = actor.principal?.divisions;
    if (divisions === undefined || mine === undefined || mine === 'all') return;
    const beyond = divisions === 'all' ? ['all'] : divisions.filter((d) => !mine.includes(d));
    if (beyond.length > 0)
      throw new AccessError(
        403,
        `divisions: ${beyond.map((d) => `"${d}"`).join(', ')} are not yours to give`,
      );
  }

  private checkGrantable(permissions: readonly string[], actor: Actor): void {
    if (actor.principal && !holdsAll(actor.principal, permissions))
      throw new AccessError(403, 'permissions: a role cannot grant permissions you do not hold');
  }

  // ── Users ────────────────────────────────────────────────────────────────────────────────────────

  private toUser(row: UserRow): User {
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      roles: strings(row.roles),
      divisions: divisionsOf(row.divisions),
      disabled: row.disabled,
      createdAt: row.created_at,
      lastLoginAt: row.last_login_at,
    };
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.db.selectFrom('access_users').selectAll().orderBy('username').execute();
    return rows.map((r) => this.toUser(r));
  }

  async userCount(): Promise<number> {
    const row = await this.db
      .selectFrom('access_users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findUser(idOrName: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('access_users')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('username', '=', idOrName)]))
      .executeTakeFirst();
    return row ? this.toUser(row) : null;
  }

  /** Creates a user; without a password, a one-time one is generated and returned (shown once). */
  async createUser(input: NewUser, actor: Actor): Promise<{ user: User; password?: string }> {
    if (!USERNAME.test(input.username))
      throw new AccessError(400, 'username: 2–64 characters: letters, digits, ".", "_", "@", "-"');
    await this.checkRoles(input.roles, actor);
    this.checkDivisions(input.divisions, actor);
    const generated = input.password === undefined ? generatePassword() : undefined;
    const password = input.password ?? generated ?? '';
    const problem = passwordProblem(password);
    if (problem) throw new AccessError(400, `password: ${problem}`);
    const row = await this.db
      .insertInto('access_users')
      .values({
        id: randomUUID(),
        username: input.username,
        display_name: input.displayName?.trim() || input.username,
        password_hash: await hashPassword(password),
        roles: JSON.stringify(input.roles),
        divisions: JSON.stringify(input.divisions),
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AccessError(409, `a user "${input.username}" exists already`);
    const user = this.toUser(row);
    await this.audit({
      actor: actor.username,
      action: 'user.create',
      target: user.username,
      details: { roles: user.roles, divisions: user.divisions },
      ip: actor.ip,
    });
    return generated ? { user, password: generated } : { user };
  }

  async updateUser(id: string, patch: UserPatch, actor: Actor): Promise<User> {
    const before = await this.findUser(id);
    if (!before) throw new AccessError(404, `no user ${id}`);
    if (patch.roles) await this.checkRoles(patch.roles, actor);
    this.checkDivisions(patch.divisions, actor);
    if (patch.password !== undefined) {
      const problem = passwordProblem(patch.password);
      if (problem) throw new AccessError(400, `password: ${problem}`);
    }
    const row = await this.db
      .updateTable('access_users')
      .set({
        ...(patch.displayName !== undefined
          ? { display_name: patch.displayName.trim() || before.username }
          : {}),
        ...(patch.roles ? { roles: JSON.stringify(patch.roles) } : {}),
        ...(patch.divisions ? { divisions: JSON.stringify(patch.divisions) } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
        ...(patch.password !== undefined ? { password_hash: await hashPassword(patch.password) } : {}),
        updated_at: this.iso(),
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const user = this.toUser(row);
    // A disabled user or a new password ends the user's sessions.
    if (patch.disabled === true || patch.password !== undefined)
      await this.db.deleteFrom('access_sessions').where('user_id', '=', user.id).execute();
    const changes: Record<
      string,
      { before: string | boolean | string[]; after: string | boolean | string[] }
    > = {};
    if (patch.roles) changes.roles = { before: before.roles, after: user.roles };
    if (patch.divisions) changes.divisions = { before: before.divisions, after: user.divisions };
    if (patch.disabled !== undefined) changes.disabled = { before: before.disabled, after: user.disabled };
    if (patch.displayName !== undefined)
      changes.displayName = { before: before.displayName, after: user.displayName };
    await this.audit({
      actor: actor.username,
      action: 'user.update',
      target: user.username,
      details: { ...changes, ...(patch.password !== undefined ? { password: 'reset' } : {}) },
      ip: actor.ip,
    });
    return user;
  }

  /** Changes a user's own password; their other sessions end (`keepSession`: the id hash of the current one). */
  async changePassword(
    userId: string,
    current: string,
    next: string,
    actor: Actor,
    keepSession?: string,
  ): Promise<void> {
    const row = await this.db
      .selectFrom('access_users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!row || !(await verifyPassword(row.password_hash, current)))
      throw new AccessError(400, 'currentPassword: not the current password');
    const problem = passwordProblem(next);
    if (problem) throw new AccessError(400, `newPassword: ${problem}`);
    await this.db
      .updateTable('access_users')
      .set({ password_hash: await hashPassword(next), updated_at: this.iso() })
      .where('id', '=', userId)
      .execute();
    await this.db
      .deleteFrom('access_sessions')
      .where('user_id', '=', userId)
      .$if(keepSession !== undefined, (q) => q.where('id_hash', '<>', keepSession ?? ''))
      .execute();
    await this.audit({
      actor: actor.username,
      action: 'password.change',
      target: row.username,
      ip: actor.ip,
    });
  }

  /**
   * With access on and no user at all: creates the administrator `admin` with a one-time password, to be
   * printed once. Null when users exist.
   */
  async ensureFirstAdmin(): Promise<{ username: string; password: string } | null> {
    if ((await this.userCount()) > 0) return null;
    const created = await this.createUser(
      { username: 'admin', displayName: 'Administrator', roles: ['admin'], divisions: 'all' },
      { username: 'caseflow' },
    );
    return created.password ? { username: 'admin', password: created.password } : null;
  }

  // ── Sessions ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Checks a user name and password; on success opens a session (its id is the cookie value). Failed
   * logins are counted from the audit log: past maxFailedLogins in the window, logins of that name are
   * refused until the window has passed (even with the right password).
   */
  async login(
    username: string,
    password: string,
    ip: string | null,
  ): Promise<{ sessionId: string; user: User }> {
    // The attempt is counted before the password is verified, under a lock per user name: parallel guesses
    // cannot overtake the count. It is recorded as failed and turned into a login when it succeeds.
    const attempt = await this.reserveLoginAttempt(username, ip);
    if (attempt === null) {
      await this.audit({ actor: username, action: 'login.locked', target: username, ip });
      throw new AccessError(
        429,
        `too many failed logins for "${username}": try again in ${this.config.failedLoginWindowMinutes} minutes`,
      );
    }
    const row = await this.db
      .selectFrom('access_users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    // Verify against a real hash even for an unknown user, so that timing does not tell names apart.
    const ok = await verifyPassword(row?.password_hash ?? (await dummyHash()), password);
    if (!row || !ok || row.disabled) {
      const reason = !row ? 'unknown user' : row.disabled ? 'disabled' : 'wrong password';
      await this.db
        .updateTable('audit_log')
        .set({ details: JSON.stringify({ reason }) })
        .where('id', '=', attempt)
        .execute();
      throw new AccessError(401, 'wrong user name or password');
    }
    const sessionId = newSessionId();
    const now = this.iso();
    await this.db
      .insertInto('access_sessions')
      .values({
        id_hash: sha256(sessionId),
        user_id: row.id,
        created_at: now,
        last_seen_at: now,
        expires_at: this.iso(this.config.sessionHours * 3_600_000),
      })
      .execute();
    await this.db.updateTable('access_users').set({ last_login_at: now }).where('id', '=', row.id).execute();
    await this.db
      .updateTable('audit_log')
      .set({ action: 'login', actor: row.username, details: null })
      .where('id', '=', attempt)
      .execute();
    return { sessionId, user: this.toUser({ ...row, last_login_at: now }) };
  }

  /**
   * Records a login attempt as failed (pending) unless the user name has reached maxFailedLogins in the
   * window: the audit row id, or null when locked out. The count and the insert hold a transaction-scoped
   * advisory lock on the user name, so concurrent attempts are counted one after the other.
   */
  private async reserveLoginAttempt(username: string, ip: string | null): Promise<number | null> {
    const windowStart = this.iso(-this.config.failedLoginWindowMinutes * 60_000);
    return this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`caseflow-login:${username}`}))`.execute(trx);
      if ((await failedLoginsSince(trx, username, windowStart)) >= this.config.maxFailedLogins) return null;
      const row = await trx
        .insertInto('audit_log')
        .values({
          at: this.iso(),
          actor: username,
          action: 'login.failed',
          target: username,
          details: JSON.stringify({ reason: 'pending' }),
          ip,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
  }

  async logout(sessionId: string, actor: Actor): Promise<void> {
    await this.db.deleteFrom('access_sessions').where('id_hash', '=', sha256(sessionId)).execute();
    await this.audit({ actor: actor.username, action: 'logout', target: actor.username, ip: actor.ip });
  }

  private async principalOf(
    row: UserRow,
    kind: 'session' | 'token',
    credentialId: string,
    scopes?: string[],
  ): Promise<Principal> {
    const roles = strings(row.roles);
    return {
      kind,
      userId: row.id,
      username: row.username,
      displayName: row.display_name,
      roles,
      permissions: await this.permissionsOf(roles),
      ...(scopes ? { scopes } : {}),
      divisions: divisionsOf(row.divisions),
      credentialId,
    };
  }

  /** A user as a principal (the CLI creates tokens for users with it). */
  async userPrincipal(idOrName: string): Promise<Principal | null> {
    const row = await this.db
      .selectFrom('access_users')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('username', '=', idOrName)]))
      .executeTakeFirst();
    return row ? this.principalOf(row, 'session', 'cli') : null;
  }

  /** The principal of a session id (sliding expiry: sessionHours after the last request). */
  async sessionPrincipal(sessionId: string): Promise<Principal | null> {
    const idHash = sha256(sessionId);
    const found = await this.db
      .selectFrom('access_sessions as s')
      .innerJoin('access_users as u', 'u.id', 's.user_id')
      .selectAll('u')
      .select(['s.last_seen_at as session_seen', 's.expires_at as session_expires'])
      .where('s.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!found || found.disabled) return null;
    const now = this.now();
    if (Date.parse(found.session_expires) <= now) {
      await this.db.deleteFrom('access_sessions').where('id_hash', '=', idHash).execute();
      return null;
    }
    if (now - Date.parse(found.session_seen) >= TOUCH_EVERY_MS)
      await this.db
        .updateTable('access_sessions')
        .set({ last_seen_at: this.iso(), expires_at: this.iso(this.config.sessionHours * 3_600_000) })
        .where('id_hash', '=', idHash)
        .execute();
    return this.principalOf(found, 'session', idHash);
  }

  // ── API tokens ───────────────────────────────────────────────────────────────────────────────────

  private toToken(row: TokenRow): ApiToken {
    return {
      id: row.id,
      userId: row.user_id,
      name: row.name,
      scopes: strings(row.scopes),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    };
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => this.toToken(r));
  }

  /**
   * A new API token of the principal's user, limited to `scopes` (permission patterns). A scope must
   * cover at least one permission the user holds; the token never does more than its user can. The
   * secret is returned once; only its hash is stored.
   */
  async createToken(
    principal: Principal,
    input: { name: string; scopes: string[]; expiresInDays?: number },
    actor: Actor,
  ): Promise<{ token: ApiToken; secret: string }> {
    if (principal.kind === 'dev')
      throw new AccessError(400, 'dev mode has no users: turn access control on to create API tokens');
    const name = input.name.trim();
    if (!name || name.length > 100) throw new AccessError(400, 'name: 1–100 characters');
    if (input.scopes.length === 0) throw new AccessError(400, 'scopes: at least one permission pattern');
    for (const scope of input.scopes) {
      if (!isKnownPattern(scope)) throw new AccessError(400, `scopes: unknown permission "${scope}"`);
      const held = PERMISSION_NAMES.some((p) => matches(scope, p) && can(principal, p));
      if (!held) throw new AccessError(400, `scopes: "${scope}" covers no permission you hold`);
    }
    const { id, secret, token } = newToken();
    const row = await this.db
      .insertInto('access_tokens')
      .values({
        id,
        user_id: principal.userId,
        name,
        secret_hash: sha256(secret),
        scopes: JSON.stringify(input.scopes),
        expires_at: input.expiresInDays ? this.iso(input.expiresInDays * 86_400_000) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.audit({
      actor: actor.username,
      action: 'token.create',
      target: `${principal.username}/${id}`,
      details: { name, scopes: input.scopes, expiresAt: row.expires_at },
      ip: actor.ip,
    });
    return { token: this.toToken(row), secret: token };
  }

  /** Revokes a token of the principal's own, or anyone's with admin:user:edit. Revoking twice is fine. */
  async revokeToken(principal: Principal, id: string, actor: Actor): Promise<void> {
    const row = await this.db.selectFrom('access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (row.user_id !== principal.userId && !can(principal, 'admin:user:edit')))
      throw new AccessError(404, `no token ${id}`);
    if (row.revoked_at) return;
    await this.db.updateTable('access_tokens').set({ revoked_at: this.iso() }).where('id', '=', id).execute();
    await this.audit({ actor: actor.username, action: 'token.revoke', target: id, ip: actor.ip });
  }

  async tokenPrincipal(token: string): Promise<Principal | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const found = await this.db
      .selectFrom('access_tokens as t')
      .innerJoin('access_users as u', 'u.id', 't.user_id')
      .selectAll('u')
      .select([
        't.secret_hash',
        't.scopes',
        't.expires_at as token_expires',
        't.revoked_at',
        't.last_used_at',
      ])
      .where('t.id', '=', parsed.id)
      .executeTakeFirst();
    if (!found || found.disabled || found.revoked_at || !sameHash(found.secret_hash, sha256(parsed.secret)))
      return null;
    const now = this.now();
    if (found.token_expires && Date.parse(found.token_expires) <= now) return null;
    if (!found.last_used_at || now - Date.parse(found.last_used_at) >= TOUCH_EVERY_MS)
      await this.db
        .updateTable('access_tokens')
        .set({ last_used_at: this.iso() })
        .where('id', '=', parsed.id)
        .execute();
    return this.principalOf(found, 'token', parsed.id, strings(found.scopes));
  }
}

type UserRow = {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: unknown;
  divisions: unknown;
  disabled: boolean;
  created_at: string;
  last_login_at: string | null;
};

type TokenRow = {
  id: string;
  user_id: string;
  name: string;
  scopes: unknown;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
};

let dummy: Promise<string> | undefined;
const dummyHash = (): Promise<string> => {
  dummy ??= hashPassword('not a password of anyone');
  return dummy;
};
