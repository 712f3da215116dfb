#!/usr/bin/env bash
# Quiz-contest load benchmark (issue #5), on 127.0.0.1 only; each run stops by itself when its contest has closed.
# Usage: bench/contest.sh sqlite [participants]     (default 10000)
#        bench/contest.sh postgres [participants]   (default 50000; needs PostgreSQL on 127.0.0.1:5432, user postgres)
# Extra flags after the count go to contest-load (e.g. --window 200 --spread 60).
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
shift || true
cargo build --release -p hocvuso -p hocvuso-contest-load
target="${CARGO_TARGET_DIR:-target}"
ulimit -n "$(ulimit -Hn)"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
case "$backend" in
  sqlite)
    participants="${1:-10000}"; shift || true
    "$target/release/contest-load" --bin "$target/release/hocvuso" --participants "$participants" "$@"
    ;;
  postgres)
    participants="${1:-50000}"; shift || true
    db="hv_contest_load_$$"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
    trap 'psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
    "$target/release/contest-load" --bin "$target/release/hocvuso" --participants "$participants" \
      --database-url "postgres://postgres@127.0.0.1:5432/$db" --db-connections 32 "$@"
    ;;
  *) echo "usage: bench/contest.sh sqlite|postgres [participants] [contest-load flags]" >&2; exit 2 ;;
esac
