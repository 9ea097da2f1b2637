#!/usr/bin/env bash
# Pre-release only: rebuild migrations/versions/0001 from the models.
# Once a database exists anywhere that matters, add new revisions instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
export DATABASE_URL="sqlite:///$tmp/regen.sqlite3" LMS_INSTANCE_PATH="$tmp"
rm -f migrations/versions/0001_initial_schema.py
.venv/bin/flask --app wsgi db migrate -m "initial schema" --rev-id 0001 >/dev/null 2>&1
rm -rf "$tmp"
echo "migrations/versions/0001_initial_schema.py regenerated"
