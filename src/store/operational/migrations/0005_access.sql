-- Access control (src/access, README "Access control"). Lists (roles, divisions, permissions, scopes) are
-- jsonb arrays of strings; divisions '"all"' (a JSON string) means every division. Passwords are argon2id
-- hashes; session ids and API token secrets are stored as SHA-256 hashes only (they are random, 256 bits).
create table access_users (
  id text primary key,
  username text not null unique,
  display_name text not null,
  password_hash text not null,
  roles jsonb not null default '[]',
  divisions jsonb not null default '"all"',
  disabled boolean not null default false,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  last_login_at timestamptz(3)
);

-- Custom roles; the built-in ones (admin, supervisor, analyst, agent) live in the code.
create table access_roles (
  name text primary key,
  description text not null default '',
  permissions jsonb not null,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);

create table access_sessions (
  id_hash text primary key,
  user_id text not null references access_users (id) on delete cascade,
  created_at timestamptz(3) not null default now(),
  last_seen_at timestamptz(3) not null default now(),
  expires_at timestamptz(3) not null
);
create index access_sessions_user on access_sessions (user_id);

create table access_tokens (
  id text primary key,
  user_id text not null references access_users (id) on delete cascade,
  name text not null,
  secret_hash text not null unique,
  scopes jsonb not null,
  created_at timestamptz(3) not null default now(),
  expires_at timestamptz(3),
  last_used_at timestamptz(3),
  revoked_at timestamptz(3)
);
create index access_tokens_user on access_tokens (user_id);

-- Logins (and failed ones), exports, permission changes, data erasure. Never holds a password, a token
-- secret or a clear customer identifier.
create table audit_log (
  id bigserial primary key,
  at timestamptz(3) not null default now(),
  actor text not null,
  action text not null,
  target text,
  details jsonb,
  ip text
);
create index audit_log_at on audit_log (at);
create index audit_log_action_target_at on audit_log (action, target, at);
