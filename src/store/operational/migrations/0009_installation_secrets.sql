-- Secrets generated at random once per installation and kept (src/privacy/secret.ts), by name:
-- 'audit-target' (src/privacy) keys the hash that names an erased customer in the audit log when no
-- pseudonymization key is configured, so that the same customer gets the same target across erasures and
-- the target cannot be matched by hashing candidate phone numbers or e-mail addresses without it;
-- 'customer-id' (src/journey) keys the opaque customer ids.
create table installation_secrets (
  name text primary key,
  value text not null check (length(value) >= 32),
  created_at timestamptz(3) not null default now()
);
