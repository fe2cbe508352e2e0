#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite; arguments go to pytest.
#
#   bash scripts/run-tests.sh            # everything
#   bash scripts/run-tests.sh -q -m 'not slow'
#
# Qt runs offscreen. Without a display, the run happens under `xvfb-run -a`
# (when installed) so tests marked `xvfb` can open real windows.
# Exits non-zero when any test fails or when no test was collected.
set -euo pipefail

# shellcheck source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$HOTLINE_ROOT"

export QT_QPA_PLATFORM=offscreen

cmd=("$HOTLINE_VENV/bin/python" -m pytest "$@")
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
    cmd=(xvfb-run -a "${cmd[@]}")
fi

rc=0
"${cmd[@]}" || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run-tests: no tests were collected; treating that as a failure." >&2
fi
exit "$rc"
