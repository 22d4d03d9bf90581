# Sourced by .ci/run (bash): a throwaway PostgreSQL server on 127.0.0.1 for the operational-store tests.
# Installs Debian's PostgreSQL when it is missing, creates a cluster in a temp dir owned by the `postgres`
# user (initdb refuses root), starts it on a free port from 54329, creates caseflow_test, exports
# CASEFLOW_TEST_DATABASE_URL and stops the server and removes the cluster when the shell exits.
# Trust authentication on loopback only: this cluster holds nothing but test data and dies with the run.

caseflow_pg_bin() {
  local dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  done
  return 1
}

caseflow_start_postgres() {
  local bin port cluster as_pg=()
  if ! bin="$(caseflow_pg_bin)"; then
    # No default cluster: we make our own, and a server on 5432 would only be in the way.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/caseflow-ci.conf
    [ -n "${CASEFLOW_APT_UPDATED:-}" ] || apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    bin="$(caseflow_pg_bin)" || { echo "postgres: no initdb/pg_ctl after installing postgresql" >&2; return 1; }
  fi

  cluster="$(mktemp -d /tmp/caseflow-pg.XXXXXX)"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    chown postgres "$cluster"
    as_pg=(runuser -u postgres --)
  fi

  port=54329
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

  CASEFLOW_PG_CLUSTER="$cluster"
  CASEFLOW_PG_CTL=("${as_pg[@]}" "$bin/pg_ctl")
  trap caseflow_stop_postgres EXIT

  "${as_pg[@]}" "$bin/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$cluster/initdb.log" 2>&1 \
    || { cat "$cluster/initdb.log" >&2; return 1; }
  # Test settings: loopback only, socket in the cluster dir, no fsync (the data is thrown away).
  "${CASEFLOW_PG_CTL[@]}" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$cluster/server.log" >&2; return 1; }
  "${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres caseflow_test

  export CASEFLOW_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/caseflow_test"
  echo "postgres: $("$bin/postgres" --version) on 127.0.0.1:$port (CASEFLOW_TEST_DATABASE_URL set)"
}

caseflow_stop_postgres() {
  if [ -n "${CASEFLOW_PG_CLUSTER:-}" ] && [ -d "$CASEFLOW_PG_CLUSTER/data" ]; then
    "${CASEFLOW_PG_CTL[@]}" -D "$CASEFLOW_PG_CLUSTER/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "${CASEFLOW_PG_CLUSTER:-}" ] && rm -rf "$CASEFLOW_PG_CLUSTER"
  CASEFLOW_PG_CLUSTER=""
}
