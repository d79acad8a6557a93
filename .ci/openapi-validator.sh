#!/usr/bin/env bash
# Makes `openapi-spec-validator` (from PyPI, pinned) available to tests/openapi.rs, in a virtual
# environment of its own under target/, and exports OPENAPI_SPEC_VALIDATOR, its path. Installs
# Python from Debian's packages first if there is none. Sourced by .ci/test; usable by hand:
#   source .ci/openapi-validator.sh && cargo test --all-features --test openapi
set -euo pipefail

OPENAPI_SPEC_VALIDATOR_VERSION=0.9.0
venv="${CARGO_TARGET_DIR:-$(pwd)/target}/ci-python"
validator="$venv/bin/openapi-spec-validator"

if [ ! -x "$validator" ] || ! "$venv/bin/pip" show openapi-spec-validator 2>/dev/null \
    | grep -q "^Version: $OPENAPI_SPEC_VALIDATOR_VERSION$"; then
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
  fi
  rm -rf "$venv"
  # Debian's python3 has venv but may lack ensurepip until python3-venv is installed.
  if ! python3 -m venv "$venv" 2>/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION"
fi
export OPENAPI_SPEC_VALIDATOR="$validator"
