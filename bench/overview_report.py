"""The overview scenario's report: the table, the ratios per round, the targets, the setup."""

import statistics
from dataclasses import dataclass

TARGET_RATIO = 0.6
TARGET_TAIL = 3


@dataclass
class Report:
    """Markdown lines, and whether the headline targets were met."""

    lines: list[str]
    met: bool


def _fmt(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def _ratios(row, reference) -> list[float]:
    return [
        o.requests_per_s / k.requests_per_s
        for o, k in zip(row.target.measures, reference.target.measures, strict=True)
    ]


def report(rows, prepared, build_seconds, counts, notes, probes_many=None) -> Report:
    """The section of RESULTS.md for this run of the overview scenario."""
    minimal = rows[0].measure
    probes_many = probes_many or {}
    by_app = {(r.database, r.app): r for r in rows}
    lines = [
        "| database | app | req/s | p50 ms | p99 ms | p99/p50 | ÷ one-lookup | ÷ minimal "
        "| SQL/request | page bytes | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        m = r.measure
        versus = by_app.get((r.database, r.versus))
        by_lookup = "–" if versus is None else _fmt(statistics.median(_ratios(r, versus)))
        if r.versus is None and r.database != "-":
            by_lookup = "1.00"
        queries = r.probe["queries"] if r.probe else 0
        lines.append(
            f"| {r.database} | {r.app} | {_fmt(m.requests_per_s, 0)} | {_fmt(m.p50_ms, 1)} "
            f"| {_fmt(m.p99_ms, 1)} | {_fmt(m.tail_ratio, 1)} | {by_lookup} "
            f"| {_fmt(m.requests_per_s / minimal.requests_per_s)} | {queries} "
            f"| {r.page_bytes} | {m.errors} |"
        )
    lines += ["", "Every round (req/s):", ""]
    for r in rows:
        runs = ", ".join(_fmt(m.requests_per_s, 0) for m in r.target.measures)
        lines.append(f"- {r.database} {r.app}: {runs} (median {_fmt(r.measure.requests_per_s, 0)})")
    met = True
    lines += [
        "",
        "The portal's GET /case ÷ the one-lookup app measured in the same round "
        f"(target ≥ {TARGET_RATIO}, p99/p50 < {TARGET_TAIL}); the first line of each database "
        "is the headline:",
        "",
    ]
    for r in rows:
        versus = by_app.get((r.database, r.versus))
        if versus is None:
            continue
        per_round = _ratios(r, versus)
        ratio = statistics.median(per_round)
        tail = r.measure.tail_ratio
        ok_ratio, ok_tail = ratio >= TARGET_RATIO, tail < TARGET_TAIL
        headline = "distinct debtors" in r.app and "cache off" not in r.app
        if headline:
            met = met and ok_ratio and ok_tail
        runs = ", ".join(_fmt(x) for x in per_round)
        lines.append(
            f"- {r.database}, {r.app}: ÷ one-lookup = **{ratio:.2f}** (median of the rounds "
            f"{runs}; target {'met' if ok_ratio else 'missed'}); p99/p50 = {tail:.1f} "
            f"(target {'met' if ok_tail else 'missed'})"
        )
    loads = [m.load_average for r in rows for m in r.target.measures]
    lines += [
        "",
        "Figures are medians over the rounds (each target measured in turn, every round; a "
        "ratio is the median of the ratios of each round). Machine 1-minute load average "
        f"during the runs: {min(loads):.1f}–{max(loads):.1f} (above 2 means other programs "
        "competed for the 2 cores).",
        "",
        "Setup:",
        "",
        f"- data: {counts['cases']} cases, {counts['debtors']} debtors, "
        f"{counts['debt_lines']} debt lines, {counts['ledger_entries']} ledger entries, "
        f"{counts['creditors']} creditors; rows built in Python in {build_seconds:.1f} s",
    ]
    for name, db in prepared.items():
        how = "COPY" if name == "postgresql" else "SQLAlchemy Core insert(), 20k-row chunks"
        total = build_seconds + db.seconds["migrate"] + db.seconds["load"]
        lines.append(
            f"- {name}: `flask db upgrade` {db.seconds['migrate']:.1f} s, bulk load ({how}) "
            f"+ ANALYZE {db.seconds['load']:.1f} s (generation total with the row building: "
            f"{total:.0f} s)"
        )
    probes = {}
    for r in rows:
        if r.probe and id(r.probe) not in probes:
            probes[id(r.probe)] = r
            lines.append(
                f"- in-process, Flask test client, no HTTP, one case: {r.database} {r.app}: "
                f"{r.probe['cpu_ms']:.2f} ms CPU/request, {r.probe['queries']} SQL statements"
                + (" + a pool pre-ping per checkout" if r.probe["pre_ping"] else "")
            )
    for name in prepared:
        portal, lookup = (
            probes_many.get((name, "overview-many")),
            probes_many.get((name, "lookup-many")),
        )
        if portal and lookup:
            lines.append(
                f"- in-process CPU over the {portal['distinct']} distinct debtors and references "
                f"(Flask test client, no HTTP, best of 3 passes): {name} portal GET /case "
                f"{portal['cpu_ms']:.2f} ms, one-lookup app {lookup['cpu_ms']:.2f} ms a request: "
                f"**{lookup['cpu_ms'] / portal['cpu_ms']:.2f}** of the lookup app's rate per CPU"
            )
    lines += [f"- {note}" for note in notes]
    portal = next((r for r in rows if r.app.startswith("portal") and r.probe), None)
    if portal:
        lines += ["", "SQL statements of one portal GET /case:", "", "```"]
        lines += portal.probe["statements"]
        lines += ["```"]
    return Report(lines, met)
