#!/usr/bin/env bash
# Runs every test: set-up, build (warnings are errors), then the .NET tests. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

./setup.sh
results=artifacts/test-results
rm -rf "$results"
dotnet build ImageSearch.sln -c Release -nologo -clp:ErrorsOnly

# The sample catalog's index, as ./run.sh makes it (incremental: quick when it is up to date). The PostgreSQL store's
# tests publish it and compare with it, and the browser tests search it.
dotnet build-index/bin/Release/net10.0/build-index.dll build --catalog data/products.csv --out data/index.csv --incremental --skip-failed \
  || (($? == 1))  # 1: some rows failed and are left out (listed above)

# PostgreSQL + pgvector for the PostgreSQL store's tests, on loopback, stopped by its PID however the run ends. If it
# cannot start, those tests fail (saying so); they never skip.
if IMAGESEARCH_TEST_POSTGRES=$(tests/postgres/server.sh start); then
  export IMAGESEARCH_TEST_POSTGRES
  trap 'tests/postgres/server.sh stop' EXIT
else
  echo "test.sh: the PostgreSQL test server did not start (tests/postgres/server.sh); its tests will fail" >&2
fi

status=0
dotnet test tests/ImageSearch.Tests.csproj -c Release --no-build -nologo \
  --logger "trx;LogFileName=dotnet.trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?

counter() { grep -o "$1=\"[0-9]*\"" "$results/dotnet.trx" | head -1 | grep -o '[0-9]*' || echo 0; }
if [[ -f $results/dotnet.trx ]]; then
  passed=$(counter passed); failed=$(counter failed); total=$(counter total); executed=$(counter executed)
  skipped=$((total - executed))
else
  echo "test.sh: no test results were written" >&2
  passed=0; failed=1; skipped=0
fi

# The web page: lint (one check), Vitest unit tests, Playwright end-to-end tests against the real API.
# Their counts join the .NET ones; e2e that cannot run here (no sample catalog or Chromium) counts as skipped.
junit_count() { # FILE ATTRIBUTE: the first (totals) value of ATTRIBUTE in a JUnit XML report
  grep -o "$2=\"[0-9]*\"" "$1" 2>/dev/null | head -1 | grep -o '[0-9]*' || echo 0
}
web_results() { # NAME FILE STATUS
  local tests failures errors skips
  if [[ -f $2 ]]; then
    tests=$(junit_count "$2" tests); failures=$(junit_count "$2" failures); errors=$(junit_count "$2" errors); skips=$({ grep -o '<skipped' "$2" || true; } | wc -l)
    passed=$((passed + tests - failures - errors - skips)); failed=$((failed + failures + errors)); skipped=$((skipped + skips))
    if (($3 != 0 && failures + errors == 0)); then failed=$((failed + 1)); echo "test.sh: $1 failed to run" >&2; fi
  else
    failed=$((failed + 1)); echo "test.sh: $1 wrote no results" >&2
  fi
}
if [[ -d web/node_modules ]]; then
  web_status=0; (cd web && npm run --silent lint) || web_status=$?
  if ((web_status == 0)); then passed=$((passed + 1)); else failed=$((failed + 1)); echo "test.sh: web lint failed" >&2; fi
  web_status=0
  (cd web && npx vitest run --reporter=default --reporter=junit --outputFile.junit="../$results/vitest.xml") || web_status=$?
  web_results "web unit tests" "$results/vitest.xml" "$web_status"
  web_status=0; rm -f web/test-results/e2e-junit.xml
  web/e2e/run.sh || web_status=$?
  if ((web_status == 3)); then
    skipped=$((skipped + 1))
  else
    cp web/test-results/e2e-junit.xml "$results/e2e.xml" 2>/dev/null || true
    web_results "web end-to-end tests" "$results/e2e.xml" "$web_status"
  fi
else
  echo "test.sh: web/node_modules is missing (no npm?): the web page's tests did not run" >&2
  failed=$((failed + 1))
fi

# The images: deploy/test-images.sh builds both and runs the compose stacks for real (Podman, as root); each of its
# checks is a test case in its JUnit report. It never skips: when Podman cannot run here, that is a failure.
container_status=0
CONTAINER_RESULTS="$PWD/$results/containers.xml" deploy/test-images.sh || container_status=$?
web_results "container tests" "$results/containers.xml" "$container_status"

line="$passed passed, $failed failed"
((skipped > 0)) && line+=", $skipped skipped"
echo
echo "$line"
if ((status != 0 || failed > 0 || passed == 0)); then exit 1; fi
