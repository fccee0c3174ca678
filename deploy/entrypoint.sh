#!/bin/sh
# Container entry point.
#   (no argument) or "web": upgrade the database schema, then serve with gunicorn.
#   anything else:          run it as is, e.g. `marketplace worker` or `marketplace create-admin`.
set -eu

cd /app

if [ "$#" -eq 0 ] || [ "$1" = "web" ]; then
    if [ "$#" -gt 0 ]; then shift; fi
    marketplace db upgrade
    exec gunicorn -c deploy/gunicorn.conf.py "$@" 'marketplace:create_app()'
fi

exec "$@"
