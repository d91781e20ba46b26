#!/usr/bin/env bash
# Runs every test: set-up, build (warnings are errors), then the .NET tests. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

./setup.sh
results=artifacts/test-results
rm -rf "$results"
dotnet build ImageSearch.sln -c Release -nologo -clp:ErrorsOnly

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

line="$passed passed, $failed failed"
((skipped > 0)) && line+=", $skipped skipped"
echo
echo "$line"
if ((status != 0 || failed > 0 || passed == 0)); then exit 1; fi
