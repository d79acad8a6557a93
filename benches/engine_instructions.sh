#!/usr/bin/env bash
# Instructions per decision of benches/engine.rs's request cases, precond against the `headers`
# crate, counted by valgrind's callgrind: unlike criterion's nanoseconds, the count does not
# depend on what else the machine is doing, so the ratio can be checked on a shared machine.
#
#   benches/engine_instructions.sh                  # every case, 10000 decisions each
#   benches/engine_instructions.sh --decisions N    # N decisions per count
#   benches/engine_instructions.sh --exe PATH       # an engine bench binary already built
#                                                   # (for example of another revision)
#
# The bench binary run as `engine --instructions CASE SIDE N` builds the same cases as the
# criterion run (and checks that both sides reach the same decision), then makes N decisions of
# one case in a plain loop. Each case and side is counted twice, with N and 2N decisions; the
# difference over N is the cost of one decision, setup and process start cancelled out. Prints
# instructions per decision for each side and how many times fewer precond needs. Needs valgrind
# (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

decisions=10000
exe=""
while [ $# -gt 0 ]; do
  case "$1" in
    --decisions) decisions="$2"; shift ;;
    --exe) exe="$2"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "engine_instructions.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "engine_instructions.sh: $*" >&2; exit 1; }
if ! command -v valgrind >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >&2 \
    || die "could not install valgrind"
fi

if [ -z "$exe" ]; then
  exe=$(cargo bench --bench engine --no-run --message-format=json-render-diagnostics \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
fi
[ -x "$exe" ] || die "no engine bench binary ${exe:+at $exe}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# count <case> <side> <n>: the client's instructions for a whole run of n decisions.
count() {
  local file="$work/cg.out"
  valgrind --tool=callgrind --callgrind-out-file="$file" "$exe" --instructions "$1" "$2" "$3" \
    >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; die "$1 $2 failed under valgrind"; }
  local total
  total=$(grep -m1 '^summary:\|^totals:' "$file" | awk '{ print $2 }')
  [ -n "$total" ] || die "no callgrind total for $1 $2"
  echo "$total"
}

# per_decision <case> <side>
per_decision() {
  local one two
  one=$(count "$1" "$2" "$decisions")
  two=$(count "$1" "$2" $((2 * decisions)))
  echo $(((two - one) / decisions))
}

echo "instructions per decision (callgrind, ($decisions x 2 decisions - $decisions decisions) / $decisions)"
printf '  %-24s %9s %9s %8s\n' case precond headers ratio
for case in $("$exe" --instructions list); do
  p=$(per_decision "$case" precond)
  h=$(per_decision "$case" headers)
  printf '  %-24s %9d %9d %7.2fx\n' "$case" "$p" "$h" "$(echo "$h $p" | awk '{ print $1 / $2 }')"
done
