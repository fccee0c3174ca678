#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an empty database (created if missing), bring its schema to
# this code's version and check it: migrations at head, every ledger posting balanced.
#
#     deploy/restore.sh FILE DATABASE_URL
#
# Stop the web and worker services first when restoring over the production database's name; a database that
# already has tables is refused (drop it, or restore under a new name and point MARKETPLACE_DATABASE_URL at it).
set -euo pipefail
file=${1:?the backup file}
url=${2:?the database URL to restore into}
libpq_url=${url/+psycopg/}
name=${libpq_url##*/}
name=${name%%\?*}
server=${libpq_url%/*}/postgres
if ! psql "$server" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
  psql "$server" -q -c "CREATE DATABASE \"$name\""
fi
tables=$(psql "$libpq_url" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore: $name already has $tables tables; restore into an empty database" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$libpq_url" "$file"
MARKETPLACE_DATABASE_URL="$url" marketplace db upgrade
unbalanced=$(psql "$libpq_url" -tAc "SELECT count(*) FROM (SELECT transaction_id FROM ledgerline GROUP BY transaction_id
                                     HAVING sum(debit_cents) <> sum(credit_cents)) AS t")
if [ "$unbalanced" != "0" ]; then
  echo "restore: $unbalanced ledger postings do not balance" >&2
  exit 1
fi
echo "restored into $name: $(psql "$libpq_url" -tAc 'SELECT count(*) FROM "order"') orders, $(psql "$libpq_url" -tAc 'SELECT count(*) FROM ledgertransaction') ledger postings, migration $(psql "$libpq_url" -tAc 'SELECT version_num FROM alembic_version')"
