#!/usr/bin/env bash
# The C-client wrappers against the servers' own tools, interleaved, N rounds; prints every round and
# the medians. Needs Redis and PostgreSQL up (Deploy/local/services up) and a release build.
#   Benchmarks/wrappers.sh [rounds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-5}
eval "$(Deploy/local/services env)"
bin=$(swift build -c release --show-bin-path)/liqmap
[ -x "$bin" ] || { echo "build first: swift build -c release --product liqmap" >&2; exit 1; }
redis_port=${LIQMAP_REDIS_PORT:-6379}
pg_port=${LIQMAP_PG_PORT:-5432}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
declare -a ours_xadd peer_xadd ours_batch ours_copy peer_copy
for r in $(seq 1 "$rounds"); do
  out=$("$bin" bench redis-xadd --count 200000 --pipeline 1000)
  ours_xadd+=("$(echo "$out" | sed -n '1s/.* = \([0-9]*\) entries\/s.*/\1/p')")
  ours_batch+=("$(echo "$out" | sed -n '2s/.*(\([0-9]*\) events\/s).*/\1/p')")
  peer=$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -n 200000 -P 1000 -c 1 -q \
           XADD liqmap:bench:rb '*' f1 v1 f2 v2 f3 v3 f4 v4 f5 v5 f6 v6 f7 v7 | tr '\r' '\n' | grep 'requests per second' | tail -1)
  redis-cli -p "$redis_port" DEL liqmap:bench:rb >/dev/null
  peer_xadd+=("$(echo "$peer" | sed 's/.*: \([0-9.]*\) requests per second.*/\1/' | cut -d. -f1)")
  out=$("$bin" bench pg-copy --rows 500000)
  ours_copy+=("$(echo "$out" | sed 's/.* = \([0-9]*\) rows\/s.*/\1/')")
  # pgbench -i, client-side generation: COPY of 500,000 pgbench_accounts rows (scale 5); its "g" step time.
  pgout=$(PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=liqmap pgbench -i -s 5 -I dtg -q liqmap 2>&1)
  secs=$(echo "$pgout" | sed -n 's/.*client-side generate \([0-9.]*\) s.*/\1/p')
  peer_copy+=("$(awk -v s="$secs" 'BEGIN {printf "%d", 500000 / s}')")
  echo "round $r: xadd ours ${ours_xadd[-1]}/s peer ${peer_xadd[-1]}/s | batches ${ours_batch[-1]} events/s | copy ours ${ours_copy[-1]} rows/s peer ${peer_copy[-1]} rows/s"
done
PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=liqmap pgbench -i -I d -q liqmap >/dev/null 2>&1 || true
mx=$(printf '%s\n' "${ours_xadd[@]}" | median); px=$(printf '%s\n' "${peer_xadd[@]}" | median)
mb=$(printf '%s\n' "${ours_batch[@]}" | median)
mc=$(printf '%s\n' "${ours_copy[@]}" | median); pc=$(printf '%s\n' "${peer_copy[@]}" | median)
echo "median: XADD ours $mx entries/s, redis-benchmark $px (ratio $(awk -v a="$px" -v b="$mx" 'BEGIN{printf "%.2f", a/b}'))"
echo "median: event batches $mb events/s"
echo "median: COPY ours $mc rows/s, pgbench -i $pc (ratio $(awk -v a="$pc" -v b="$mc" 'BEGIN{printf "%.2f", a/b}'))"
