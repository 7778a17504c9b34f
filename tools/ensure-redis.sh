#!/usr/bin/env bash
# Make sure a Redis server answers on 127.0.0.1 for the rate-limit tests and print
# the `export` line that tells them where it is. Order: the machine's own server
# on 127.0.0.1:6379; else a throwaway server on 127.0.0.1:63790 that keeps nothing
# on disk. Tests use a key prefix of their own and delete their keys afterwards.
set -euo pipefail
log() { echo "ensure-redis: $*" >&2; }

ready() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

if ! command -v redis-server >/dev/null 2>&1; then
  log "installing redis-server from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq redis-server >&2
fi

if ready 6379; then
  echo "export KANCELARIA_TEST_REDIS=redis://127.0.0.1:6379/0"
  exit 0
fi

PORT=63790
if ! ready "$PORT"; then
  DIR="$(mktemp -d /tmp/kancelaria-redis.XXXXXX)"
  log "starting a throwaway server in $DIR on 127.0.0.1:$PORT"
  redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no \
    --dir "$DIR" --daemonize yes --logfile "$DIR/log" >&2
  for _ in $(seq 1 50); do ready "$PORT" && break; sleep 0.1; done
fi

if ! ready "$PORT"; then
  log "no Redis server answers on 127.0.0.1"
  exit 1
fi
echo "export KANCELARIA_TEST_REDIS=redis://127.0.0.1:$PORT/0"
