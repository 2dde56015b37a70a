#!/usr/bin/env bash
# Whole-server throughput of Ember on GET / (the version document) against a bare
# Hummingbird hello-world, both release builds on loopback, measured in the same run.
#   Benchmarks/wrk/run.sh [duration, default 10s]
# Needs wrk (apt-get install wrk). Prints wrk's summary for each server, plus Ember's
# start-up-to-listening time and idle RSS.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10s}
scratch=.build-release
swift build -c release --scratch-path "$scratch" --product ember >/dev/null
swift build -c release --scratch-path "$scratch" --product HelloHummingbird >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/ember.conf" <<CONF
[DEFAULT]
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = 18776
api_paste_config = $PWD/etc/ember/api-paste.ini
state_path = $work
CONF

t0=$(date +%s%N)
"$bin/ember" api --config-file "$work/ember.conf" > "$work/ember.log" 2>&1 &
ember_pid=$!
until grep -q "Started osapi_volume" "$work/ember.log"; do sleep 0.005; done
t1=$(date +%s%N)
echo "ember start-up to listening: $(( (t1 - t0) / 1000000 )) ms (process start to log line)"
sleep 1
echo "ember idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$ember_pid/status)"

echo; echo "== ember GET / (wrk -t2 -c32 -d$duration)"
wrk -t2 -c32 -d"$duration" http://127.0.0.1:18776/
echo "ember RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$ember_pid/status)"
kill -TERM $ember_pid; wait $ember_pid || true

"$bin/HelloHummingbird" 18780 > "$work/hello.log" 2>&1 &
hello_pid=$!
until curl -s -o /dev/null http://127.0.0.1:18780/; do sleep 0.05; done
echo; echo "== bare Hummingbird GET / (wrk -t2 -c32 -d$duration)"
wrk -t2 -c32 -d"$duration" http://127.0.0.1:18780/
kill -TERM $hello_pid; wait $hello_pid || true
