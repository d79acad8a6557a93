#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages (if it is not there yet), starts it on
# 127.0.0.1:5432, and makes a role and database `precond` for the tests. Sourced by .ci/run;
# usable by hand too:  source .ci/postgres.sh && cargo test --workspace --all-features
# It exports DATABASE_URL (the tests' PostgreSQL) and PRECOND_PG_CLUSTER (for the fault test,
# which restarts the server mid-run).
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
# Enough connections for two server processes' pools, the tests' own and the benchmarks'.
pg_conftool "$version" main set max_connections 200 >/dev/null
pg_ctlcluster "$version" main start 2>/dev/null || pg_ctlcluster "$version" main restart
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.2
done
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'precond') THEN
    CREATE ROLE precond LOGIN PASSWORD 'precond' CREATEDB;
  END IF;
END $$;
SQL
if ! su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'precond'\"" | grep -q 1; then
  su postgres -c "createdb -O precond precond"
fi
export DATABASE_URL="postgres://precond:precond@127.0.0.1:5432/precond"
export PRECOND_PG_CLUSTER="$version main"
echo "PostgreSQL $version on $DATABASE_URL"
