#!/usr/bin/env bash
# Load benchmark of `#[conditional]` on loopback, driven by wrk (issues 4 and 5). One run
# measures, for axum and for actix-web:
#
#   1. overhead: `/annotated/{id}` (the `#[conditional]` handler) against `/plain/{id}` (the same
#      handler without the attribute), both answering 200; target: at most 3% fewer requests/s;
#   2. deep 304: `/annotated/{id}` with a matching `If-None-Match` (304, the body never runs)
#      against the same route without it (200, a 1 KB JSON document); target: at least 1.5x;
#   3. the require layer / middleware (issue 6): a trivial handler behind it (`/required/trivial`)
#      against the same without it (`/bare/trivial`), for GET and for PUT with `If-Match`
#      (which it lets through); target: at most 1% fewer requests/s.
#
# Both for a document whose ETag is its version field and for one whose ETag is hashed from its
# content. The servers (benches/load_server.rs for axum, benches/load_server_actix.rs for
# actix-web, built with the bench profile) each run one thread (a current-thread tokio runtime,
# one actix worker) pinned to CPU 0, wrk one thread pinned to CPU 1 (when there are two CPUs);
# both servers are up for the whole run, only the one under load works. After
# a warm-up, the cases run in alternating order (forwards, then backwards, ...) for several
# rounds, and the table shows each case's median requests/s, so that drift favours no side.
#
# Each sample also reads the server's CPU time (/proc/PID/task/*/schedstat): "per CPU-s" is
# requests per second of the server's own CPU time, which a busy machine disturbs much less
# than requests/s; the CPU share says whether the server had its CPU to itself. Before each
# sample the script waits (up to --patience seconds) for the rest of the machine to be idle.
#
#   benches/load.sh              # full run: 5 rounds of 3 s per case (about 6 minutes)
#   benches/load.sh --quick      # 1 round of 1 s per case, no waiting (CI: proves it runs)
#   benches/load.sh --markdown   # also print the tables as Markdown, for BENCHMARKS.md
#
# --framework axum|actix|both (default both) chooses the servers.
# Options: --rounds N, --duration SECONDS, --connections N, --patience SECONDS override the
# mode's values. Exits non-zero when the build, the server, curl's checks or wrk fail; a missed
# target is reported, not an error.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=5
duration=3
warmup=2
connections=32
patience=20
markdown=0
framework=both
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) rounds=1 duration=1 warmup=1 patience=0 ;;
    --markdown) markdown=1 ;;
    --framework) framework="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --patience) patience="$2"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "load.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '%s\n' "$*" >&2; }
die() { log "load.sh: $*"; exit 1; }

case "$framework" in
  both) frameworks=(axum actix) ;;
  axum | actix) frameworks=("$framework") ;;
  *) die "--framework must be axum, actix or both" ;;
esac

# --- wrk, from Debian's packages ---------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (apt-get install -y wrk)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >&2 || die "apt-get install wrk failed"
fi
command -v curl >/dev/null 2>&1 || die "curl is needed"

# --- the servers, built with optimizations ----------------------------------------------------
# The bench profile (release settings), as `cargo bench --bench engine --bench derive` builds:
# the dependencies compiled for those are reused.
declare -A server_exe
for fw in "${frameworks[@]}"; do
  bench=load_server
  [ "$fw" = actix ] && bench=load_server_actix
  log "building the $fw server: cargo bench --bench $bench --features $fw --no-run"
  exe=$(cargo bench --bench "$bench" --features "$fw" --no-run \
    --message-format=json-render-diagnostics \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
  if [ -z "$exe" ] || [ ! -x "$exe" ]; then
    die "could not find the $bench executable"
  fi
  server_exe[$fw]=$exe
done
pin_server=()
pin_wrk=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0)
  pin_wrk=(taskset -c 1)
fi

work=$(mktemp -d)
declare -A server_pid base_of
cleanup() {
  local pid
  for pid in "${server_pid[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

for fw in "${frameworks[@]}"; do
  "${pin_server[@]}" "${server_exe[$fw]}" --port 0 >"$work/$fw.out" 2>"$work/$fw.err" &
  server_pid[$fw]=$!
  base=""
  for _ in $(seq 100); do
    base=$(sed -n 's/^listening on \(.*\)$/http:\/\/\1/p' "$work/$fw.out")
    [ -n "$base" ] && break
    kill -0 "${server_pid[$fw]}" 2>/dev/null || { cat "$work/$fw.err" >&2; die "the $fw server exited"; }
    sleep 0.1
  done
  [ -n "$base" ] || die "the $fw server did not start listening"
  base_of[$fw]=$base
  log "$fw server: $base (pid ${server_pid[$fw]}${pin_server:+, CPU 0})"
done
log "wrk: 1 thread, $connections connections${pin_wrk:+, CPU 1}"

# server_cpu_ns <framework>: CPU time used so far by the server's threads (scheduler
# statistics, in ns).
server_cpu_ns() {
  cat /proc/"${server_pid[$1]}"/task/*/schedstat 2>/dev/null | awk '{ t += $1 } END { printf "%.0f", t }'
}

server_alive() {
  kill -0 "${server_pid[$1]}" 2>/dev/null || { cat "$work/$1.err" >&2; die "the $1 server died"; }
}

# --- what each case must answer, checked once with curl ----------------------------------------
# probe <url> [header]: prints "status size etag"
probe() {
  local args=(-sS -o "$work/body" -D "$work/headers" -w '%{http_code} %{size_download}')
  [ $# -gt 1 ] && args+=(-H "$2")
  local out
  out=$(curl "${args[@]}" "$1") || die "curl $1 failed"
  local etag
  etag=$(tr -d '\r' <"$work/headers" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p')
  printf '%s %s\n' "$out" "$etag"
}

expect_200() {
  local status size etag
  probe "$1" >"$work/probe"
  read -r status size etag <"$work/probe"
  [ "$status" = 200 ] || die "GET $1: expected 200, got $status"
  [ "$size" -ge 1000 ] || die "GET $1: expected a document of about 1 KB, got $size bytes"
  [ -n "$etag" ] || die "GET $1: no ETag"
  printf '%s' "$etag"
}

expect_304() {
  local status size etag
  probe "$1" "If-None-Match: $2" >"$work/probe"
  read -r status size etag <"$work/probe"
  [ "$status" = 304 ] || die "GET $1 with If-None-Match: $2: expected 304, got $status"
}

# Cases: name, server, path, If-None-Match value ("" for none), expected bytes per response
# (max: a 304, min: the 1 KB document, any), and "put" for a PUT with `If-Match: "1"`.
cases=()
for fw in "${frameworks[@]}"; do
  base=${base_of[$fw]}
  declare -A etag_of=()
  for kind in "" _hashed; do
    plain_tag=$(expect_200 "$base/plain$kind/1")
    annotated_tag=$(expect_200 "$base/annotated$kind/1")
    [ "$plain_tag" = "$annotated_tag" ] || die "$fw: /plain$kind and /annotated$kind disagree on the ETag"
    expect_304 "$base/annotated$kind/1" "$annotated_tag"
    etag_of[${kind:-_version}]=$annotated_tag
    size=$(probe "$base/annotated$kind/1" | cut -d' ' -f2)
    log "$fw /annotated$kind/1: 200 with $size bytes of JSON, ETag $annotated_tag; 304 with If-None-Match"
  done
  cases+=(
    "$fw/plain_200|$fw|/plain/1||min"
    "$fw/annotated_200|$fw|/annotated/1||min"
    "$fw/annotated_304|$fw|/annotated/1|${etag_of[_version]}|max"
    "$fw/plain_hashed_200|$fw|/plain_hashed/1||min"
    "$fw/annotated_hashed_200|$fw|/annotated_hashed/1||min"
    "$fw/annotated_hashed_304|$fw|/annotated_hashed/1|${etag_of[_hashed]}|max"
    "$fw/bare_get|$fw|/bare/trivial||any"
    "$fw/required_get|$fw|/required/trivial||any"
    "$fw/bare_put|$fw|/bare/trivial||any|put"
    "$fw/required_put|$fw|/required/trivial||any|put"
  )
  # The layer must be there: a PUT without a precondition is 428 behind it, 200 without it.
  put_status() { curl -sS -o /dev/null -w '%{http_code}' -X PUT "$@"; }
  [ "$(put_status "$base/required/trivial")" = 428 ] || die "$fw: /required/trivial is not behind the require layer"
  [ "$(put_status "$base/bare/trivial")" = 200 ] || die "$fw: PUT /bare/trivial failed"
  [ "$(put_status -H 'If-Match: "1"' "$base/required/trivial")" = 200 ] || die "$fw: PUT with If-Match did not pass the require layer"
done

# cpu_counters: "busy total" jiffies of all CPUs so far (/proc/stat)
cpu_counters() {
  awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat
}

# wait_quiet: before a sample, waits (up to $patience seconds) until the other processes of
# the machine leave both CPUs to the benchmark, so that the sample measures the server and not
# a build next to it. A sample taken on a busy machine is still taken, and counted.
quiet_samples=0
busy_samples=0
wait_quiet() {
  local waited=0 b0 t0 b1 t1 busy
  while :; do
    read -r b0 t0 < <(cpu_counters)
    sleep 0.25
    read -r b1 t1 < <(cpu_counters)
    busy=$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) 'BEGIN { print (t > 0 && b / t > 0.1) ? 1 : 0 }')
    if [ "$busy" = 0 ]; then
      quiet_samples=$((quiet_samples + 1))
      return
    fi
    if [ "$(awk -v w="$waited" -v p="$patience" 'BEGIN { print (w >= p) }')" = 1 ]; then
      busy_samples=$((busy_samples + 1))
      return
    fi
    [ "$waited" = 0 ] && log "the machine is busy: waiting up to ${patience}s for it to quiet down"
    sleep 1
    waited=$((waited + 1))
  done
}

# bytes <number><unit>: wrk's "123.45MB" to bytes
to_bytes() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    m = (u == "KB") ? 1024 : (u == "MB") ? 1048576 : (u == "GB") ? 1073741824 : 1
    printf "%.0f", n * m }'
}

# run <case> <seconds>: runs wrk, checks its report, prints requests/s
run() {
  local name fw path inm bound method
  IFS='|' read -r name fw path inm bound method <<<"$1"
  local args=(-t1 -c"$connections" -d"$2s")
  [ -n "$inm" ] && args+=(-H "If-None-Match: $inm")
  [ "$method" = put ] && args+=(-s "$work/put.lua")
  local out cpu_before cpu_after
  wait_quiet
  cpu_before=$(server_cpu_ns "$fw")
  out=$("${pin_wrk[@]}" wrk "${args[@]}" "${base_of[$fw]}$path" 2>&1) || { log "$out"; die "wrk failed on $name"; }
  cpu_after=$(server_cpu_ns "$fw")
  server_alive "$fw"
  if grep -Eq 'Non-2xx or 3xx responses|Socket errors' <<<"$out"; then
    log "$out"
    die "wrk saw errors on $name"
  fi
  local rps requests seconds read
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  seconds=$(awk '/requests in/ { sub(/s,$/, "", $4); print $4 }' <<<"$out")
  read=$(awk '/requests in/ { print $5 }' <<<"$out")
  if [ -z "$rps" ] || [ -z "$requests" ] || [ "$requests" -le 0 ]; then
    log "$out"
    die "no requests/s from wrk on $name"
  fi
  # Bytes per response, to prove the case is what it claims: a 304 is headers only, a 200
  # carries the 1 KB document.
  local per
  per=$(($(to_bytes "$read") / requests))
  if [ "$bound" = max ] && [ "$per" -ge 600 ]; then
    die "$name: $per bytes per response, not a 304"
  elif [ "$bound" = min ] && [ "$per" -lt 1000 ]; then
    die "$name: $per bytes per response, not the 1 KB document"
  fi
  # Requests per second of the server's own CPU time, and the share of its CPU it got.
  awk -v rps="$rps" -v n="$requests" -v s="$seconds" -v ns="$((cpu_after - cpu_before))" \
    'BEGIN { printf "%.0f %.0f %.2f\n", rps, n / (ns / 1e9), ns / 1e9 / s }'
}

# wrk's method comes from a script: a PUT with `If-Match: "1"` and no body (a body the trivial
# handler does not read makes actix-web close the connection after each answer, and the case
# would measure connection setup).
cat >"$work/put.lua" <<'LUA'
wrk.method = "PUT"
wrk.headers["If-Match"] = '"1"'
LUA

log "warm-up: ${warmup}s per case"
for c in "${cases[@]}"; do run "$c" "$warmup" >/dev/null; done
quiet_samples=0
busy_samples=0

declare -A rps_of cpu_of share_of
for r in $(seq "$rounds"); do
  order=("${cases[@]}")
  if [ $((r % 2)) -eq 0 ]; then
    order=()
    for ((i = ${#cases[@]} - 1; i >= 0; i--)); do order+=("${cases[i]}"); done
  fi
  line="round $r/$rounds:"
  for c in "${order[@]}"; do
    name=${c%%|*}
    run "$c" "$duration" >"$work/sample"
    read -r rps cpu share <"$work/sample"
    rps_of[$name]="${rps_of[$name]:-} $rps"
    cpu_of[$name]="${cpu_of[$name]:-} $cpu"
    share_of[$name]="${share_of[$name]:-} $share"
    line+=" $name=$rps"
  done
  log "$line"
done

# median, minimum and maximum of whitespace-separated numbers
median() {
  tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
minimum() { tr ' ' '\n' | sed '/^$/d' | sort -g | head -n 1; }
maximum() { tr ' ' '\n' | sed '/^$/d' | sort -g | tail -n 1; }

declare -A med med_cpu
for c in "${cases[@]}"; do
  name=${c%%|*}
  med[$name]=$(median <<<"${rps_of[$name]}")
  med_cpu[$name]=$(median <<<"${cpu_of[$name]}")
done
busy=$(for c in "${cases[@]}"; do tr ' ' '\n' <<<"${share_of[${c%%|*}]}"; done \
  | awk 'NF && $1 < 0.9 { n++ } END { print n + 0 }')

# fewer <measured> <baseline> [limit%]: "x.x% fewer" / "x.x% more", and whether at most
# limit% (3 by default) fewer
fewer() {
  awk -v a="$1" -v p="$2" -v l="${3:-3}" 'BEGIN { f = (p - a) / p * 100
    if (f < 0) printf "%.1f%% more|", -f; else printf "%.1f%% fewer|", f
    print (f <= l) ? "met" : "missed" }'
}
# times <measured> <baseline>: "x.xx×", and whether at least 1.5×
times() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×|%s", a / b, (a / b >= 1.5) ? "met" : "missed" }'; }

# Rows: framework | document | comparison | measured | baseline | result | verdict | result per CPU-s | verdict | target
rows=()
for fw in "${frameworks[@]}"; do
  for kind in "" _hashed; do
    doc="version ETag"
    [ "$kind" = _hashed ] && doc="hashed ETag"
    p=$fw/plain${kind}_200 a=$fw/annotated${kind}_200 n=$fw/annotated${kind}_304
    rows+=("$fw|$doc|\`#[conditional]\` 200 vs plain 200|${med[$a]}|${med[$p]}|$(fewer "${med[$a]}" "${med[$p]}")|$(fewer "${med_cpu[$a]}" "${med_cpu[$p]}")|≤ 3% fewer")
    rows+=("$fw|$doc|304 vs 200, \`#[conditional]\`|${med[$n]}|${med[$a]}|$(times "${med[$n]}" "${med[$a]}")|$(times "${med_cpu[$n]}" "${med_cpu[$a]}")|≥ 1.5×")
  done
  for m in get put; do
    what="require layer vs none, trivial GET"
    [ "$m" = put ] && what="require layer vs none, trivial PUT + If-Match"
    r=$fw/required_$m b=$fw/bare_$m
    rows+=("$fw|trivial|$what|${med[$r]}|${med[$b]}|$(fewer "${med[$r]}" "${med[$b]}" 1)|$(fewer "${med_cpu[$r]}" "${med_cpu[$b]}" 1)|≤ 1% fewer")
  done
done

echo
echo "requests/s (wrk), median of $rounds round(s) of ${duration}s, $connections connections;"
echo "per CPU-s: requests per second of the server's own CPU time"
printf '%-6s %-13s %-30s %9s %9s %-19s %-19s %s\n' server document comparison measured \
  baseline "result (req/s)" "result (per CPU-s)" target
for row in "${rows[@]}"; do
  IFS='|' read -r fw doc what a b res ok res_cpu ok_cpu target <<<"$row"
  printf '%-6s %-13s %-30s %9s %9s %-19s %-19s %s\n' "$fw" "$doc" "${what//\`/}" "$a" "$b" \
    "$res $ok" "$res_cpu $ok_cpu" "$target"
done
echo
printf '%-28s %9s %17s %11s %s\n' case "req/s" "min–max" "per CPU-s" "server's CPU share"
for c in "${cases[@]}"; do
  name=${c%%|*}
  printf '%-28s %9s %17s %11s %s\n' "$name" "${med[$name]}" \
    "$(minimum <<<"${rps_of[$name]}")–$(maximum <<<"${rps_of[$name]}")" "${med_cpu[$name]}" \
    "$(minimum <<<"${share_of[$name]}")–$(maximum <<<"${share_of[$name]}")"
done
echo
echo "$quiet_samples sample(s) started on a quiet machine, $busy_samples on a busy one"
if [ "$busy" -gt 0 ]; then
  echo
  echo "note: in $busy sample(s) the server had less than 90% of its CPU (a busy machine, or wrk"
  echo "saturated): requests/s then measure the machine, the per CPU-s column the server."
fi

if [ "$markdown" = 1 ]; then
  echo
  echo "| server | document | comparison | requests/s | baseline | result | per server CPU-second | target |"
  echo "|---|---|---|---|---|---|---|---|"
  for row in "${rows[@]}"; do
    IFS='|' read -r fw doc what a b res ok res_cpu ok_cpu target <<<"$row"
    echo "| $fw | $doc | $what | $a | $b | **$res** ($ok) | $res_cpu ($ok_cpu) | $target |"
  done
  echo
  echo "| case | requests/s (median) | min–max | per server CPU-second | server's CPU share |"
  echo "|---|---|---|---|---|"
  for c in "${cases[@]}"; do
    name=${c%%|*}
    echo "| \`$name\` | ${med[$name]} | $(minimum <<<"${rps_of[$name]}")–$(maximum <<<"${rps_of[$name]}") |" \
      "${med_cpu[$name]} | $(minimum <<<"${share_of[$name]}")–$(maximum <<<"${share_of[$name]}") |"
  done
fi
