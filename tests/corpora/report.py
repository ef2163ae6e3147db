"""Print how adgen fares on the peers' test corpora: ``python -m tests.corpora.report``.

One row per corpus (functions, PASS in reverse and forward mode, REFUSED,
WRONG, CRASH), then the refusals grouped by construct (the error class and its
message with the names taken out), then every refused function with its
located message.  Functions count once per mode; see harness.py for what each
outcome means.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python tests/corpora/report.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tests.corpora"

from .corpora import ALL, measure_all
from .harness import CRASH, MODES, PASS, REFUSED, ROOT, WRONG, Outcome

Results = dict[str, dict[str, dict[str, Outcome]]]


def counts(results: dict[str, dict[str, Outcome]]) -> dict[str, int]:
    """Functions, PASS per mode, and functions REFUSED/WRONG/CRASH in any mode."""
    row = {"functions": len(results)}
    for mode in MODES:
        row[mode] = sum(r[mode].outcome == PASS for r in results.values())
    passed = [r[m] for r in results.values() for m in MODES if r[m].outcome == PASS]
    row["by differences"] = sum("differences" in o.oracles for o in passed)
    row["with --like"] = sum(o.with_like for o in passed)
    for outcome in (REFUSED, WRONG, CRASH):
        row[outcome] = sum(
            any(r[m].outcome == outcome for m in MODES) for r in results.values()
        )
    return row


def construct(outcome: Outcome) -> tuple[str, str]:
    """(the construct a refusal is about, the name it names): the error class and its
    message with the backquoted names replaced by ``…``."""
    head = first_line(outcome.detail).split(" error: ", 1)[-1]
    head = re.sub(r"\(line \d+: ", "(line N: ", head)
    names = re.findall(r"`([^`]*)`", head)
    kind = outcome.error_class if outcome.error_class != "cli" else "CLI"
    return f"{kind}: {re.sub(r'`[^`]*`', '`…`', head)}", names[0] if names else ""


def first_line(text: str) -> str:
    return text.strip().splitlines()[0].replace(str(ROOT) + "/", "") if text else ""


def table(results: Results) -> list[str]:
    lines = [
        "| corpus | functions | PASS reverse | PASS forward | REFUSED | WRONG | CRASH"
        " | PASS checked by differences | PASS with --like as the CLI asks |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, per_function in results.items():
        c = counts(per_function)
        title = ALL[name]().source
        lines.append(
            f"| {title} | {c['functions']} | {c['reverse']} | {c['forward']} "
            f"| {c[REFUSED]} | {c[WRONG]} | {c[CRASH]} | {c['by differences']} "
            f"| {c['with --like']} |"
        )
    return lines


def refusals(results: Results) -> list[str]:
    """Refusals by construct (counted per function and mode), then each one located."""
    groups: dict[str, list[str]] = defaultdict(list)
    located = []
    for corpus, per_function in results.items():
        for function, by_mode in per_function.items():
            for mode, outcome in by_mode.items():
                if outcome.outcome != REFUSED:
                    continue
                kind, named = construct(outcome)
                groups[kind].append(named)
                located.append(
                    f"  {corpus} {function} [{mode}]: {first_line(outcome.detail)}"
                )
    lines = ["", "REFUSED by construct (function x mode):"]
    for kind, named in sorted(groups.items(), key=lambda item: -len(item[1])):
        distinct = sorted({n for n in named if n})
        lines.append(
            f"  {len(named):4d}  {kind}"
            + (f"  [{', '.join(distinct)}]" if distinct else "")
        )
    return [*lines, "", "Refused functions:", *located]


def problems(results: Results) -> list[str]:
    out = []
    for corpus, per_function in results.items():
        for function, by_mode in per_function.items():
            for mode, outcome in by_mode.items():
                if outcome.outcome in (WRONG, CRASH):
                    out.append(
                        f"  {outcome.outcome} {corpus} {function} [{mode}]: {outcome.detail}"
                    )
    return ["", "WRONG and CRASH:", *(out or ["  none"])]


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir:
        results = measure_all(Path(workdir))
    print("\n".join(table(results) + problems(results) + refusals(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
