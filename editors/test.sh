#!/usr/bin/env bash
# Builds and tests the editor integrations; prints "editors: N passed, N failed"
# and exits non-zero when anything failed.
#   VS Code: npm ci, compile, unit tests (node:test), grammar tests
#            (vscode-tmgrammar-test), package the .vsix, smoke-load the .vsix,
#            and the client side against the real chart-lsp once it is built.
#   Neovim:  headless test of the plugin (installs Debian's neovim when missing)
#            against a fake chart-lsp, then against target/debug/chart-lsp
#            when it is built; only against CHART_LSP_CMD when that is set
#            (e.g. CHART_LSP_CMD=$PWD/target/release/chart-lsp editors/test.sh).
set -uo pipefail
cd "$(dirname "$0")"
editors=$(pwd)
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

fail() { failed=$((failed + $1)); echo "FAILED: $2"; }

# step NAME CMD...: one check that passes or fails as a whole
step() {
  local name=$1
  shift
  echo "== editors: $name"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
  else
    grep -v 'npm warn' "$log" | tail -40
    fail 1 "$name"
  fi
}

# counted NAME PASS_REGEX FAIL_REGEX CMD...: runs CMD, adds the numbers its
# output reports (or one failure when it reports none or exits non-zero)
counted() {
  local name=$1 pass_re=$2 fail_re=$3
  shift 3
  echo "== editors: $name"
  "$@" >"$log" 2>&1
  local rc=$?
  grep -v 'npm warn' "$log" | grep -E '^(not ok|FAIL|ERROR|✖)|^# (pass|fail) |: [0-9]+ passed, [0-9]+ failed|run successfuly' || true
  local p f
  p=$(grep -cE "$pass_re" "$log" 2>/dev/null || true)
  f=$(grep -cE "$fail_re" "$log" 2>/dev/null || true)
  if [[ "$pass_re" == sum:* ]]; then
    p=$(sed -nE "${pass_re#sum:}" "$log" | tail -1)
    f=$(sed -nE "${fail_re#sum:}" "$log" | tail -1)
  fi
  p=${p:-0}
  f=${f:-0}
  passed=$((passed + p))
  failed=$((failed + f))
  if [[ $rc -ne 0 && $f -eq 0 ]] || [[ $p -eq 0 && $f -eq 0 ]]; then
    tail -40 "$log"
    fail 1 "$name (exit $rc)"
  fi
}

# --- VS Code extension -------------------------------------------------------
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  fail 1 "node and npm are required for the VS Code extension"
else
  cd "$editors/vscode"
  step "npm ci (vscode)" npm ci --no-audit --no-fund --loglevel=error
  step "compile (tsc)" npm run --silent compile
  counted "unit tests (node:test)" 'sum:s/^# pass ([0-9]+)$/\1/p' 'sum:s/^# fail ([0-9]+)$/\1/p' \
    node --test out/test/unit/
  counted "grammar tests (vscode-tmgrammar-test)" 'run successfuly' '^✖|^ERROR' \
    npx --no-install vscode-tmgrammar-test -c -g syntaxes/helm.tmLanguage.json 'test/grammar/*.test.*'
  rm -f kubectl-chart.vsix
  step "package .vsix (vsce)" npx --no-install vsce package --skip-license --allow-missing-repository -o kubectl-chart.vsix
  step "vsix smoke test" node test/smoke/load-vsix.js kubectl-chart.vsix
  # The extension's settings and protocol library against the real server,
  # once it is built (scripts/test builds it first).
  real_lsp="${CHART_LSP_CMD:-$editors/../target/debug/chart-lsp}"
  if [[ -x "$real_lsp" ]]; then
    counted "vscode client against the real chart-lsp" \
      'sum:s/^vscode client: ([0-9]+) passed, [0-9]+ failed$/\1/p' 'sum:s/^vscode client: [0-9]+ passed, ([0-9]+) failed$/\1/p' \
      timeout 120 node test/server/real-server.js "$real_lsp"
  fi
  cd "$editors"
fi

# --- Neovim plugin -------------------------------------------------------------
if ! command -v nvim >/dev/null; then
  echo "== editors: installing neovim (Debian package)"
  if [[ $(id -u) -eq 0 ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim) >/dev/null
  else
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim) >/dev/null
  fi
fi
if ! command -v nvim >/dev/null; then
  fail 1 "neovim is not installed and could not be installed"
elif ! nvim --headless -u NONE -c 'if has("nvim-0.7") | qall! | else | cquit 1 | endif' 2>/dev/null; then
  fail 1 "neovim >= 0.7 is required (found $(nvim --version | head -1))"
elif [[ -z "${CHART_LSP_CMD:-}" ]] && ! command -v python3 >/dev/null; then
  fail 1 "python3 is required for the fake chart-lsp of the neovim test"
else
  counted "neovim plugin (headless, $(nvim --version | head -1))" \
    'sum:s/^neovim: ([0-9]+) passed, [0-9]+ failed$/\1/p' 'sum:s/^neovim: [0-9]+ passed, ([0-9]+) failed$/\1/p' \
    timeout 180 nvim --headless -n -i NONE -u neovim/test/init.lua -c 'luafile neovim/test/run.lua'
  # Once chart-lsp is built (scripts/test builds it first), the same test
  # against the real server.
  real="$editors/../target/debug/chart-lsp"
  if [[ -z "${CHART_LSP_CMD:-}" && -x "$real" ]]; then
    counted "neovim plugin against the real chart-lsp" \
      'sum:s/^neovim: ([0-9]+) passed, [0-9]+ failed$/\1/p' 'sum:s/^neovim: [0-9]+ passed, ([0-9]+) failed$/\1/p' \
      env CHART_LSP_CMD="$(cd "$(dirname "$real")" && pwd)/chart-lsp" \
      timeout 180 nvim --headless -n -i NONE -u neovim/test/init.lua -c 'luafile neovim/test/run.lua'
  fi
fi

echo "editors: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
