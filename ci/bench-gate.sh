#!/usr/bin/env bash
# The performance gate's logic, out of the workflow so that `npm test` can run it against a local bare repository
# (test/ci-gate.test.ts). docs/ci.md explains the design.
#
# main's baselines and history live on a data branch (default bench-data) that only this script writes:
#   baselines/<scenario>.json   the newest results main recorded per scenario (what pull requests compare with)
#   history/<scenario>-<UTC>-<sha>.json   every push to main, never removed (what the Pages site is built from)
#
# usage:
#   ci/bench-gate.sh fetch  REMOTE DATA_DIR                  clone the data branch, or start an empty one
#   ci/bench-gate.sh gate   DATA_DIR CANDIDATE OUT_DIR       compare with main's baseline; OUT_DIR/comment.md, html/
#   ci/bench-gate.sh gate-ab BASELINES CANDIDATES OUT_DIR    compare two comma-separated lists (same-runner mode)
#   ci/bench-gate.sh record DATA_DIR RESULTS SHA             add RESULTS to history and baselines, commit, push
#   ci/bench-gate.sh site   DATA_DIR OUT_DIR                 the Pages site: committed results and the whole history
#
# gate exits like pushbench compare: 0 no regression, 1 regression, 2 could not compare. A missing baseline is
# exit 2 unless the data branch has never recorded anything (the repository's first run), which the comment says.
#
# Environment: PUSHBENCH (how to run pushbench; default: node dist/harness/cli.js), BENCH_DATA_BRANCH (bench-data).
set -euo pipefail

BRANCH="${BENCH_DATA_BRANCH:-bench-data}"
MARKER='<!-- pushbench-compare -->'
read -r -a PB <<<"${PUSHBENCH:-node dist/harness/cli.js}"

die() {
  echo "bench-gate: $*" >&2
  exit 2
}

git_ci() {
  git -c user.name=pushbench-ci -c user.email=pushbench-ci@users.noreply.github.com -c commit.gpgsign=false "$@"
}

scenario_of() {
  node -e 'const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (typeof f.scenario !== "string" || !/^[A-Za-z0-9][\w.-]*$/.test(f.scenario)) process.exit(2); process.stdout.write(f.scenario);' "$1" \
    || die "$1 is not a pushbench results file with a scenario"
}

count_json() {
  local n=0 f
  for f in "$1"/*.json; do [ -e "$f" ] && n=$((n + 1)); done
  echo "$n"
}

cmd_fetch() {
  [ $# -eq 2 ] || die "usage: fetch REMOTE DATA_DIR"
  local remote="$1" dir="$2"
  [ ! -e "$dir" ] || die "$dir exists; give a new directory"
  if git ls-remote --exit-code --heads "$remote" "$BRANCH" >/dev/null 2>&1; then
    git clone --quiet --single-branch --branch "$BRANCH" "$remote" "$dir"
    echo "bench-gate: $BRANCH: $(count_json "$dir/history") recorded runs, $(count_json "$dir/baselines") baselines" >&2
  else
    # Tell "the branch does not exist" from "the remote cannot be read": only the first is a first run.
    git ls-remote "$remote" >/dev/null 2>&1 || die "cannot read ${remote##*@}"
    mkdir -p "$dir"
    git -C "$dir" init --quiet
    git -C "$dir" checkout --quiet --orphan "$BRANCH"
    git -C "$dir" remote add origin "$remote"
    echo "bench-gate: $BRANCH does not exist yet: nothing recorded" >&2
  fi
}

comment() {
  # $1 OUT_DIR, $2 title line, then the body on stdin.
  { echo "$MARKER"; echo "$2"; echo; cat; } >"$1/comment.md"
}

run_compare() {
  # $1 baseline arg, $2 candidate arg, $3 OUT_DIR; sets CODE.
  set +e
  "${PB[@]}" compare "$1" "$2" --markdown "$3/verdict.md" --json "$3/verdict.json" --html "$3/html" >"$3/verdict.txt" 2>"$3/compare.err"
  CODE=$?
  set -e
  cat "$3/verdict.txt"
  cat "$3/compare.err" >&2
}

cmd_gate() {
  [ $# -eq 3 ] || die "usage: gate DATA_DIR CANDIDATE OUT_DIR"
  local dir="$1" candidate="$2" out="$3" scenario runs baselines
  mkdir -p "$out"
  scenario="$(scenario_of "$candidate")"
  runs="$(count_json "$dir/history")"
  baselines="$(count_json "$dir/baselines")"
  if [ -f "$dir/baselines/$scenario.json" ]; then
    run_compare "$dir/baselines" "$candidate" "$out"
    if [ -f "$out/verdict.md" ]; then
      comment "$out" "Compared with main's baseline for scenario \`$scenario\` from the \`$BRANCH\` branch ($runs runs recorded)." <"$out/verdict.md"
    else
      comment "$out" "### pushbench compare: ❌ could not compare (exit $CODE)" <"$out/compare.err"
    fi
    return "$CODE"
  fi
  if [ "$runs" -eq 0 ] && [ "$baselines" -eq 0 ]; then
    comment "$out" "### pushbench compare: ➖ first run, not gated" <<EOF
The \`$BRANCH\` branch has never recorded a baseline: this is the repository's first benchmarked pull request,
so there is nothing to compare with and it passes. The first push to main records the baseline for scenario
\`$scenario\`; every pull request after that is gated.
EOF
    echo "bench-gate: first run: $BRANCH has recorded nothing; not gated" >&2
    return 0
  fi
  comment "$out" "### pushbench compare: ❌ no baseline for scenario \`$scenario\`" <<EOF
The \`$BRANCH\` branch has recorded $runs runs of main but holds no baseline for scenario \`$scenario\`
(baselines: $(cd "$dir/baselines" 2>/dev/null && ls -- *.json 2>/dev/null | sed 's/\.json$//' | paste -sd, - || echo none)).
A pull request cannot pass without one. Push to main (or run the workflow on main) to record it, or bench the
scenario main records.
EOF
  echo "bench-gate: no baseline for scenario $scenario on $BRANCH although $runs runs are recorded" >&2
  return 2
}

cmd_gate_ab() {
  [ $# -eq 3 ] || die "usage: gate-ab BASELINES CANDIDATES OUT_DIR"
  mkdir -p "$3"
  run_compare "$1" "$2" "$3"
  if [ -f "$3/verdict.md" ]; then
    comment "$3" "Main and this pull request measured alternately on the same runner." <"$3/verdict.md"
  else
    comment "$3" "### pushbench compare: ❌ could not compare (exit $CODE)" <"$3/compare.err"
  fi
  return "$CODE"
}

cmd_record() {
  [ $# -eq 3 ] || die "usage: record DATA_DIR RESULTS SHA"
  local dir="$1" results="$2" sha="$3" scenario stamp name attempt
  [[ "$sha" =~ ^[0-9a-f]{7,40}$ ]] || die "SHA must be a hex commit id, got \"$sha\""
  scenario="$(scenario_of "$results")"
  stamp="$(node -e 'process.stdout.write(new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z"))')"
  name="history/$scenario-$stamp-${sha:0:12}.json"
  mkdir -p "$dir/history" "$dir/baselines"
  cp "$results" "$dir/$name"
  "${PB[@]}" baseline save "$results" --dir "$dir/baselines" >&2
  if [ ! -f "$dir/README.md" ]; then
    cat >"$dir/README.md" <<'EOF'
# bench-data

Written only by the bench workflow (ci/bench-gate.sh on main): `baselines/` holds the newest results per scenario,
which pull requests are compared with; `history/` holds every push to main, from which the Pages site is built.
Do not edit by hand: see docs/ci.md.
EOF
  fi
  git -C "$dir" add -A
  git_ci -C "$dir" commit --quiet -m "bench: $scenario at ${sha:0:12}"
  # Another push may have landed in between: rebase onto it and try again.
  for attempt in 1 2 3; do
    if git -C "$dir" push --quiet origin "HEAD:refs/heads/$BRANCH" 2>/dev/null; then
      echo "bench-gate: recorded $name and baselines/$scenario.json on $BRANCH" >&2
      return 0
    fi
    git -C "$dir" fetch --quiet origin "$BRANCH"
    git_ci -C "$dir" rebase --quiet FETCH_HEAD
  done
  die "could not push to $BRANCH after 3 attempts"
}

cmd_site() {
  [ $# -eq 2 ] || die "usage: site DATA_DIR OUT_DIR"
  local files=()
  local f
  for f in "$1"/history/*.json; do [ -e "$f" ] && files+=("$f"); done
  [ ${#files[@]} -gt 0 ] || die "$1/history holds no results; record one first"
  # The published site: every committed results file (docs/results/) and main's whole history.
  "${PB[@]}" report --site "$2" --include "$1/history" >/dev/null
  echo "bench-gate: site of the committed results and ${#files[@]} recorded runs in $2" >&2
}

[ $# -ge 1 ] || die "usage: ci/bench-gate.sh fetch|gate|gate-ab|record|site ..."
sub="$1"
shift
case "$sub" in
  fetch) cmd_fetch "$@" ;;
  gate) cmd_gate "$@" ;;
  gate-ab) cmd_gate_ab "$@" ;;
  record) cmd_record "$@" ;;
  site) cmd_site "$@" ;;
  *) die "unknown subcommand \"$sub\"; use fetch, gate, gate-ab, record or site" ;;
esac
