#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers and the evaluator with cargo-fuzz (libFuzzer).
#
#   bash fuzz/run.sh [SECONDS]      each target for SECONDS (default 20), one after the other
#
# Installs cargo-fuzz if it is missing. cargo-fuzz passes nightly-only flags (-Zsanitizer,
# sanitizer coverage); on the stable toolchain they are allowed by RUSTC_BOOTSTRAP=1, for this
# build only. The sanitizer is AddressSanitizer; FUZZ_SANITIZER=none turns it off.
#
# Before fuzzing, the inputs kept in fuzz/regressions/<target>/ are replayed. Exits non-zero if
# any target crashes (a panic, a failed property, a sanitizer report, a timeout or OOM); the
# crashing input is then in fuzz/artifacts/<target>/ and each target's log in
# fuzz/artifacts/<target>.log.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-20}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: bash fuzz/run.sh [SECONDS]" >&2; exit 2 ;;
esac
sanitizer="${FUZZ_SANITIZER:-address}"
targets=(etag_list http_date range evaluate)

export RUSTC_BOOTSTRAP=1
# The binaries are looked for in fuzz/target (below), where cargo fuzz builds them unless
# CARGO_TARGET_DIR says otherwise; a CARGO_TARGET_DIR set for the workspace's own builds would
# also mix sanitized and plain artifacts in one tree.
unset CARGO_TARGET_DIR
export CARGO_TERM_COLOR=never

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "=== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
cargo fuzz --version

echo "=== building ${targets[*]} (sanitizer: $sanitizer)"
cargo fuzz build --sanitizer "$sanitizer"

host="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="target/$host/release"
mkdir -p artifacts

passed=0
failed=0
for target in "${targets[@]}"; do
  log="artifacts/$target.log"
  ok=1
  if compgen -G "regressions/$target/*" >/dev/null; then
    echo "=== $target: replaying regressions/$target"
    if ! "$bin_dir/$target" regressions/"$target"/* >"$log.regressions" 2>&1; then
      tail -n 40 "$log.regressions"
      ok=0
    fi
  fi
  echo "=== $target: fuzzing for ${seconds}s"
  if ! cargo fuzz run --sanitizer "$sanitizer" "$target" -- \
    -max_total_time="$seconds" -max_len=1024 -print_final_stats=1 -dict="dicts/$target.dict" \
    >"$log" 2>&1; then
    ok=0
  fi
  # libFuzzer's closing lines: the last status line (coverage), the run count, and the stats.
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true
  grep -E '^Done [0-9]+ runs|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" || true
  if [ "$ok" = 1 ]; then
    passed=$((passed + 1))
  else
    echo "!!! $target failed: last lines of $log" >&2
    tail -n 60 "$log" >&2
    failed=$((failed + 1))
  fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
