"""``hotline kernel [build]``: which batch kernel runs, and compiling it with mypyc.

Batch play (simulate, balance, check, what-ifs, the Studio's live balance)
runs the batch kernel, ``game/analysis/kernel.py``. Compiled with mypyc it is
about twice as fast and plays the very same games; without a current build it
runs as Python (see game/analysis/native.py). ``scripts/setup.sh`` builds it
when the machine can.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from game.analysis import native

from .common import EXIT_INVALID, EXIT_OK, err

NAME = "kernel"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        NAME, help="say which batch kernel runs, or compile it with mypyc (build)",
        description="Without an action: say whether batch play runs the compiled kernel or "
        "pure Python, and why. 'build' compiles game/analysis/kernel.py with mypyc (needs "
        "mypy, a C compiler and Python's headers); both give the same games.",
    )
    actions = parser.add_subparsers(dest="kernel_action", metavar="ACTION")
    build = actions.add_parser(
        "build", help="compile the kernel (nothing to do when the build is current)",
        description="Exit 0 when a current build is installed, 2 when it cannot be made "
        "(the message says what to install).",
    )
    build.add_argument("--target", type=Path, metavar="FOLDER",
                       help="where to install it (default: this Python's package folder)")
    build.add_argument("--force", action="store_true", help="build even when it is current")
    build.add_argument("--log", type=Path, metavar="FILE", help="keep mypyc's whole output")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.kernel_action != "build":
        from game.analysis import kernel  # noqa: F401 - importing it picks the kernel

        print(f"batch kernel: {native.status()}")
        return EXIT_OK
    def starting() -> None:
        print("compiling the batch kernel with mypyc (about a minute)...", flush=True)

    try:
        where, made = native.build(args.target, force=args.force, log=args.log,
                                   starting=starting)
    except native.BuildError as exc:
        err(f"hotline: {exc}")
        err("Batch play still works, in pure Python (the same games, slower).")
        return EXIT_INVALID
    print(f"{'built' if made else 'already current'}: {where}")
    return EXIT_OK
