#!/usr/bin/env bash
# Back up the marketplace's PostgreSQL database into one file (pg_dump's custom format: compressed, checked
# readable before it is reported). Run it from cron or a systemd timer; keep the files off the server.
#
#     deploy/backup.sh [DATABASE_URL] [FILE]      # defaults: $MARKETPLACE_DATABASE_URL, marketplace-<UTC time>.dump
#
# Restore with deploy/restore.sh. The instance folder holds nothing the database does not (emails already sent
# are in the outbox table), except the generated secret key when MARKETPLACE_SECRET_KEY is not set: set it.
set -euo pipefail
url=${1:-${MARKETPLACE_DATABASE_URL:?give the database URL or set MARKETPLACE_DATABASE_URL}}
file=${2:-marketplace-$(date -u +%Y%m%dT%H%M%SZ).dump}
libpq_url=${url/+psycopg/}
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$libpq_url"
pg_restore --list "$file" >/dev/null  # a file that cannot be read is not a backup
echo "$file"
