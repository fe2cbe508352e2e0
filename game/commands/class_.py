"""``hotline class SCENARIO``: every trainee of a scenario side by side, or a file of it."""

from __future__ import annotations

import argparse
import sys

from game.paths import ScenarioNotFound, find_scenario

from .common import EXIT_OK, CliError, err, open_journal

NAME = "class"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        NAME, help="compare a class: ratings by trainee and objective, scores, choices",
        description="Every session of one scenario side by side: a trainee-by-objective "
        "grid of HSEEP ratings, the score distribution, each decision's choice shares (the "
        "expert's and the historical choice marked) and the rationales. Sessions played by "
        "a policy, a script or a playtest are left out unless --policies is given.")
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario id (or its file)")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="sessions started on or after")
    parser.add_argument("--trainees", metavar="A,B", default="",
                        help="only these trainees (names, comma-separated)")
    parser.add_argument("--policies", action="store_true",
                        help="also count sessions played by a policy, a script or a playtest")
    parser.add_argument("--archived", action="store_true", help="also count archived sessions")
    parser.add_argument("--export", metavar="FILE", help="write FILE.csv, .html or .pdf")
    parser.add_argument("--paper", choices=("letter", "a4"),
                        help="paper for a PDF (default: from your locale)")
    return parser


def _scenario(ref: str) -> tuple[str, object | None]:
    """The scenario id, and its current version when a file of it can be found."""
    from game.sessions import ScenarioFileError, load_file

    try:
        path = find_scenario(ref)
    except ScenarioNotFound:
        return ref, None  # sessions may exist of a scenario no file holds any more
    try:
        scenario = load_file(path)
    except ScenarioFileError as exc:
        raise CliError(str(exc)) from None
    return scenario.id, scenario


def run(args: argparse.Namespace) -> int:
    from game.debrief.class_export import class_exporter_for, export_class
    from game.debrief.classview import load_class
    from game.sessions.browse import parse_day

    try:
        since = parse_day(args.since, "--since") if args.since else None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.export:
        try:
            class_exporter_for(args.export)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    scenario_id, scenario = _scenario(args.scenario)
    trainees = [t.strip() for t in args.trainees.split(",") if t.strip()]
    with open_journal(args.store, for_reading=True) as journal:
        view = load_class(journal, scenario_id, scenario,  # type: ignore[arg-type]
                          since=since, trainees=trainees, policies=args.policies,
                          archived=args.archived)
    if not view.sessions:
        left = ", ".join(f"{n} {why}" for why, n in sorted(view.left_out.items()))
        err(f"hotline class: no sessions of '{scenario_id}' to compare"
            + (f" ({left} left out)" if left else "") + ".")
        return 2
    if args.export:
        try:
            written = export_class(args.export, view, args.paper)
        except OSError as exc:
            raise CliError(f"could not write {args.export}: {exc}") from None
        print(f"wrote {written} ({len(view.sessions)} session(s))")
        return EXIT_OK
    _print(view)
    return EXIT_OK


def _print(view: object) -> None:
    from game.debrief.classview import ClassView, bin_labels

    assert isinstance(view, ClassView)
    out = sys.stdout
    out.write(f"Class view: {view.title} — {len(view.sessions)} session(s)")
    if view.mean is not None and view.median is not None:
        out.write(f", mean score {view.mean:.1f}, median {view.median:.1f}")
    out.write("\n")
    if view.left_out:
        out.write("Not counted: " + ", ".join(f"{n} {why}" for why, n in
                                               sorted(view.left_out.items())) + "\n")
    for notice in view.notices:
        out.write(f"note: {notice}\n")
    out.write("\nRatings (P S M U; * an evaluator's)\n")
    for i, (_oid, text, cap) in enumerate(view.objectives):
        out.write(f"  O{i + 1}  {text}" + (f" [{cap}]" if cap else "") + "\n")
    from game.textsafe import escape

    names = {s.id: escape(s.trainee or "-", one_line=True) for s in view.sessions}
    width = max([len(n) for n in names.values()] + [7])
    head = "  " + "TRAINEE".ljust(width) + "  SCORE " + " ".join(
        f"O{i + 1:<2}" for i in range(len(view.objectives)))
    out.write(head.rstrip() + "\n")
    for s in view.sessions:
        score = "" if s.score is None else f"{s.score:.1f}"
        codes = " ".join(((s.ratings.get(oid) or "-")
                          + ("*" if oid in s.rated_by_evaluator else "")).ljust(3)
                         for oid, _t, _c in view.objectives)
        out.write(f"  {names[s.id].ljust(width)}  {score:>5} {codes}".rstrip() + "\n")
    out.write("\nScore distribution\n")
    for label, count in zip(bin_labels(), view.histogram, strict=True):
        out.write(f"  {label:>7}  {'#' * count} {count}\n")
    out.write("\nChoices (E expert, H historical)\n")
    for d in view.decisions:
        out.write(f"  {d.title} ({d.total})\n")
        for o in d.options:
            marks = " ".join(m for m, on in (("E", o.expert), ("H", o.historical)) if on)
            out.write(f"    {100 * o.share:>3.0f}%  {o.label}" + (f"  [{marks}]" if marks
                                                                   else "") + "\n")
