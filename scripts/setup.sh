#!/usr/bin/env bash
# Hotline setup: system packages, .venv, editable install with test extras.
#
# Idempotent and safe to re-run: installs Debian packages only when missing,
# creates .venv only when missing or broken, and reinstalls the project only
# when pyproject.toml (or the Python in .venv) changed since the last install.
#
# Run it directly (`bash scripts/setup.sh`) or source it from another script;
# when sourced it leaves HOTLINE_ROOT and HOTLINE_VENV set.
#
# Environment:
#   HOTLINE_PYTHON   interpreter used to create .venv (default: python3, else python3.1x, >= 3.11)
#   HOTLINE_NO_APT=1 never call apt-get (only report missing packages)

set -euo pipefail

HOTLINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOTLINE_VENV="$HOTLINE_ROOT/.venv"
export HOTLINE_ROOT HOTLINE_VENV

_hl_say() { printf 'setup: %s\n' "$*" >&2; }

# Debian packages Qt needs at run time (xcb platform plugin and offscreen),
# plus Xvfb for real-window tests, poppler-utils (pdftotext) for PDF tests, a
# font, since a minimal Debian has none and Qt would draw empty boxes, and the
# PostgreSQL server the journal tests start a throwaway instance of.
_HL_APT_PACKAGES=(
    libglib2.0-0 libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3
    xvfb xauth
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxkbcommon-x11-0
    libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-randr0
    poppler-utils
    fonts-dejavu-core
    postgresql
)

_hl_apt_updated=0

_hl_pkg_installed() {
    # Newer Debian renamed some libraries with a t64 suffix; accept either.
    local p
    for p in "$1" "${1}t64"; do
        if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            return 0
        fi
    done
    return 1
}

_hl_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 127
    fi
}

# _hl_apt_install PKG... : install the given packages; returns non-zero on failure.
_hl_apt_install() {
    if [ "${HOTLINE_NO_APT:-0}" = 1 ]; then
        _hl_say "HOTLINE_NO_APT=1: not installing: $*"
        return 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        _hl_say "apt-get not found; please install: $*"
        return 1
    fi
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        _hl_say "not root and no sudo; please install as root: apt-get install $*"
        return 1
    fi
    _hl_say "installing system packages: $*"
    local log
    log="$(mktemp -t hotline-apt.XXXXXX)"
    if [ "$_hl_apt_updated" = 0 ]; then
        if ! _hl_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            rm -f "$log"
            return 1
        fi
        _hl_apt_updated=1
    fi
    if ! _hl_as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

_hl_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        _hl_say "not a Debian-like system; make sure Qt's X11/EGL libraries, Xvfb and pdftotext are installed"
        return 0
    fi
    local missing=() p
    for p in "${_HL_APT_PACKAGES[@]}"; do
        _hl_pkg_installed "$p" || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    _hl_apt_install "${missing[@]}" ||
        _hl_say "WARNING: could not install ${missing[*]}; Qt, Xvfb or PDF tests may fail"
}

_hl_pick_python() {
    if [ -n "${HOTLINE_PYTHON:-}" ]; then
        printf '%s\n' "$HOTLINE_PYTHON"
        return 0
    fi
    local c
    for c in python3 python3.13 python3.12 python3.11; do
        if command -v "$c" >/dev/null 2>&1 &&
            "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            printf '%s\n' "$c"
            return 0
        fi
    done
    _hl_say "ERROR: Hotline needs Python >= 3.11 (set HOTLINE_PYTHON to one)"
    return 1
}

_hl_venv_ok() {
    [ -x "$HOTLINE_VENV/bin/python" ] && "$HOTLINE_VENV/bin/python" -m pip --version >/dev/null 2>&1
}

_hl_make_venv() {
    _hl_venv_ok && return 0
    local py
    py="$(_hl_pick_python)" || return 1
    _hl_say "creating $HOTLINE_VENV with $py"
    rm -rf "$HOTLINE_VENV"
    if ! "$py" -m venv "$HOTLINE_VENV" >/dev/null 2>&1; then
        # Debian's python3 ships venv without ensurepip until python3-venv is installed.
        rm -rf "$HOTLINE_VENV"
        local ver
        ver="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        _hl_apt_install python3-venv "python${ver}-venv" || _hl_apt_install python3-venv || true
        "$py" -m venv "$HOTLINE_VENV" || {
            _hl_say "ERROR: could not create a virtual environment with $py"
            return 1
        }
    fi
    "$HOTLINE_VENV/bin/python" -m pip install -q --upgrade pip
}

_hl_stamp() {
    {
        sha256sum "$HOTLINE_ROOT/pyproject.toml"
        "$HOTLINE_VENV/bin/python" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1
}

_hl_install_project() {
    local stamp_file="$HOTLINE_VENV/.hotline-stamp" want
    want="$(_hl_stamp)"
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ] &&
        [ -x "$HOTLINE_VENV/bin/hotline" ]; then
        return 0
    fi
    _hl_say "installing hotline and test tools into .venv (pip install -e '.[test]')"
    "$HOTLINE_VENV/bin/python" -m pip install -q --upgrade pip
    (cd "$HOTLINE_ROOT" && "$HOTLINE_VENV/bin/python" -m pip install -q -e '.[test]')
    printf '%s\n' "$want" >"$stamp_file"
}

# The batch kernel compiled with mypyc (hotline kernel build; see
# game/analysis/native.py): twice as fast, the same games. Optional: when it
# cannot be built, batch play runs in pure Python. Rebuilt only when
# game/analysis/kernel.py changed since the last build.
_hl_build_kernel() {
    if [ -n "${HOTLINE_NO_NATIVE:-}" ]; then
        return 0
    fi
    local include ver
    include="$("$HOTLINE_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
    ver="$("$HOTLINE_VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    command -v "${CC:-cc}" >/dev/null 2>&1 || _hl_apt_install gcc || true
    if [ ! -f "$include/Python.h" ] && [ "${include#/usr/include/}" != "$include" ]; then
        _hl_apt_install "python${ver}-dev" || true  # Debian's own Python: its headers
    fi
    local log="$HOTLINE_VENV/.hotline-kernel-build.log" said
    if said="$("$HOTLINE_VENV/bin/hotline" kernel build --log "$log" 2>"$log.err")"; then
        _hl_say "batch kernel ${said##*$'\n'}"
    else
        _hl_say "WARNING: the batch kernel was not compiled; batch play runs in pure Python"
        _hl_say "         (same games, slower). Why: $(head -c 600 "$log.err")"
    fi
}

_hl_system_packages
_hl_make_venv
_hl_install_project
_hl_build_kernel
