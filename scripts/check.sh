#!/usr/bin/env bash
# Lint, typecheck and every test; ends with one plain line "N passed, N failed" (CI reads it).
# Lint and typecheck count as one check each, so a lint error fails the run like a failed test.
set -uo pipefail
cd "$(dirname "$0")/.."

report=.vitest-report.json
rm -f "$report"
failed_checks=0
passed_checks=0

run_check() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed_checks=$((passed_checks + 1)); else echo "!! $name failed"; failed_checks=$((failed_checks + 1)); fi
}

run_check lint npx eslint --max-warnings=0 .
run_check typecheck npm run --silent typecheck
echo "== tests"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
vitest_status=$?

if [ -f "$report" ]; then
  read -r passed failed skipped < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    // A test file that failed to load has no test results: count it as a failure.
    const broken = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests + broken, r.numPendingTests + r.numTodoTests);
  ' "$report")
else
  passed=0; failed=1; skipped=0
fi
if [ "$vitest_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

total_passed=$((passed + passed_checks))
total_failed=$((failed + failed_checks))
echo
echo "${total_passed} passed, ${total_failed} failed, ${skipped} skipped"
[ "$total_failed" -eq 0 ]
