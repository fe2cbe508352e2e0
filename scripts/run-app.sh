#!/usr/bin/env bash
# Set up (if needed) and start Hotline. With no arguments this opens the app
# on the default scenario; any arguments are passed to `hotline`.
#
#   bash scripts/run-app.sh                 # the desktop app
#   bash scripts/run-app.sh validate F.yaml # any CLI subcommand
#   HOTLINE_XVFB=1 bash scripts/run-app.sh  # no desktop: run under xvfb-run -a
set -euo pipefail

# shellcheck source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$HOTLINE_ROOT"

hotline="$HOTLINE_VENV/bin/hotline"

# Subcommands that work in a terminal and never open a window.
needs_display=1
case "${1:-}" in
    validate | lint | schema | play | resume | simulate | balance | sessions | debrief | msel | \
        paths | install-desktop | -h | --help | --version)
        needs_display=0 ;;
esac
case "${QT_QPA_PLATFORM:-}" in
    offscreen | minimal | vnc*) needs_display=0 ;;
esac

if [ "$needs_display" = 1 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    if [ "${HOTLINE_XVFB:-0}" = 1 ]; then
        if command -v xvfb-run >/dev/null 2>&1; then
            echo "run-app: no display; running under a virtual X server (xvfb-run -a)." >&2
            exec xvfb-run -a "$hotline" "$@"
        fi
        echo "run-app: HOTLINE_XVFB=1 but xvfb-run is not installed (apt-get install xvfb)." >&2
        exit 1
    fi
    cat >&2 <<'MSG'
run-app: no graphical display found (neither DISPLAY nor WAYLAND_DISPLAY is set).

Hotline is a desktop application: run this from a desktop session (a terminal
inside your X11 or Wayland desktop, or `ssh -X`).

To start it anyway on a virtual, invisible X server (useful for smoke tests):
    HOTLINE_XVFB=1 bash scripts/run-app.sh

Terminal-only commands work without a display, e.g.:
    .venv/bin/hotline validate scenarios/*.yaml
MSG
    exit 1
fi

exec "$hotline" "$@"
