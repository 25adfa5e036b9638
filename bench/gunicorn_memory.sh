#!/usr/bin/env bash
# Memory of gunicorn's workers with and without --preload (docs/deployment.md, App servers).
# Usage: LUOSHI_DATA_DIR=/tmp/demo bash bench/gunicorn_memory.sh preload|plain  (after `luoshi demo --load-only`)
set -u
mode=$1
cd "$(dirname "$0")/.."
if [ "$mode" = preload ]; then extra=--preload; else extra=; fi
.venv/bin/gunicorn luoshi.wsgi --bind 127.0.0.1:8150 --workers 4 --threads 4 $extra --pid /tmp/gu.pid > /tmp/gu.log 2>&1 &
sleep 12
for i in $(seq 1 20); do curl -s -o /dev/null http://127.0.0.1:8150/login/; done
master=$(cat /tmp/gu.pid)
total_pss=0
for p in $(pgrep -P $master); do pss=$(awk '/^Pss:/{s+=$2} END{print s}' /proc/$p/smaps_rollup); rss=$(awk '/^VmRSS/{print $2}' /proc/$p/status); echo "worker $p rss=${rss}kB pss=${pss}kB"; total_pss=$((total_pss+pss)); done
mpss=$(awk '/^Pss:/{s+=$2} END{print s}' /proc/$master/smaps_rollup)
echo "master pss=${mpss}kB; workers pss total=${total_pss}kB"
kill $master; sleep 2
