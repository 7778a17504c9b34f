#!/usr/bin/env bash
# Make sure a PostgreSQL server answers for the tests and print the `export` line that
# tells them where it is. Order: the machine's own server on 127.0.0.1:5432; the
# machine's cluster, started; else a throwaway cluster in a temporary folder.
set -euo pipefail
log() { echo "ensure-postgres: $*" >&2; }

ready() { pg_isready -q -h 127.0.0.1 -p "$1" 2>/dev/null; }

if ! command -v pg_isready >/dev/null 2>&1; then
  log "installing postgresql from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi

if ready 5432; then
  echo "export KANCELARIA_TEST_POSTGRES=postgresql://postgres@127.0.0.1:5432/postgres"
  exit 0
fi

if ls /etc/postgresql/*/main >/dev/null 2>&1; then
  log "starting the machine's PostgreSQL cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >&2 || true
  for _ in $(seq 1 30); do ready 5432 && break; sleep 0.5; done
  if ready 5432; then
    echo "export KANCELARIA_TEST_POSTGRES=postgresql://postgres@127.0.0.1:5432/postgres"
    exit 0
  fi
fi

# A throwaway cluster owned by the postgres user (initdb refuses root).
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PORT=54329
DIR="$(mktemp -d /tmp/kancelaria-pg.XXXXXX)"
chown postgres "$DIR"
log "starting a throwaway cluster in $DIR on 127.0.0.1:$PORT"
su postgres -s /bin/sh -c "'$BIN/initdb' -D '$DIR/data' -A trust -U postgres >/dev/null"
su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/log' -w \
  -o '-c listen_addresses=127.0.0.1 -p $PORT -k $DIR' start" >&2
echo "export KANCELARIA_TEST_POSTGRES=postgresql://postgres@127.0.0.1:$PORT/postgres"
