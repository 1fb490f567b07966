"""How long a write takes to keep its statuses current (issue #16's aim: a write of 1,000
figures in under 2 s), on a copy of the API benchmark's full SYNTHETIC database.

Each round imports 1,000 new figures — one new month (a vintage published a day later than
any before) of the ten monthly indicators of the 2022 revision for 100 areas — through
`kpi import`'s own path (`import_bytes`), then drains the upkeep as `kpi serve` does, and
times both. Reported: the medians, the evaluations judged again, and a full rebuild for
comparison, with `kpi evaluations verify`'s answer at the end (stored equals fresh).

    .venv/bin/python -m bench.upkeep_bench [--database PATH] [--rounds N]

The database is the one `bench.api_bench` loads (`kpi demo`, 1.45 million rows); the
copy is thrown away afterwards.
"""

import argparse
import datetime
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kpi_api.bootstrap import open_services
from kpi_api.importing.service import import_bytes

AIM_SECONDS = 2.0
FIGURES = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", type=Path, default=Path(tempfile.gettempdir()) / "kpi-api-bench" / "full.sqlite3"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results-upkeep.md"))
    args = parser.parse_args()
    if not args.database.exists():
        raise SystemExit(f"{args.database}: not there; run `python -m bench.api_bench` first (it loads it)")
    folder = Path(tempfile.mkdtemp(prefix="kpi-upkeep-bench-"))
    try:
        copy = folder / "kpi.sqlite3"
        shutil.copyfile(args.database, copy)
        services = open_services(f"sqlite:///{copy}")
        services.upkeep.drain()  # whatever the copy had queued, before the clock starts
        revision = next(
            s for s in services.strategies if s.id == "ballerup-beskaeftigelsesstrategi"
        ).revision("2022")
        monthly = [i for i in revision.indicators if i.frequency.value == "monthly" and not i.breakdowns][:10]
        areas = [a.code for a in services.areas][:100]
        with services.engine.connect() as c:
            latest = c.exec_driver_sql("SELECT max(published) FROM observations").scalar()
        day = datetime.date.fromisoformat(str(latest)[:10])
        imports, drains, judged = [], [], []
        for n in range(args.rounds):
            month = datetime.date(2026, 1 + n, 1).strftime("%Y-%m")  # a month no vintage has yet
            published = day + datetime.timedelta(days=n + 1)
            lines = ["indicator,area,period,value,published,source"]
            lines += [
                f"{i.id},{a},{month},{10 + (k % 37) / 10},{published},SYNTETISK upkeep-bench"
                for i in monthly
                for k, a in enumerate(areas)
            ]
            text = ("\n".join(lines[: FIGURES + 1]) + "\n").encode()
            t0 = time.perf_counter()
            report = import_bytes(
                text, f"upkeep-{n}.csv", services.observations, services.strategies, services.areas
            )
            t1 = time.perf_counter()
            if report.rejected:
                raise SystemExit(f"the bench's import was refused: {report.problems[:3]}")
            drained = services.upkeep.drain()
            t2 = time.perf_counter()
            imports.append(t1 - t0)
            drains.append(t2 - t1)
            judged.append(drained.evaluated if drained else 0)
            print(
                f"round {n + 1}: import {t1 - t0:.2f} s, upkeep {t2 - t1:.2f} s ({judged[-1]:,} judged)",
                flush=True,
            )
        t0 = time.perf_counter()
        full = services.upkeep.rebuild()
        rebuild = time.perf_counter() - t0
        pending, mismatches = services.upkeep.verify()
        services.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    drain = statistics.median(drains)
    lines = [
        "# Keeping statuses current after a write (stored evaluations)",
        "",
        f"Measured {datetime.date.today()} with `python -m bench.upkeep_bench {shlex.join(sys.argv[1:])}` on this "
        "machine (2 cores, shared with other work; medians of the rounds).",
        "",
        f"- Data: a copy of the API benchmark's full SYNTHETIC database; each round imports {FIGURES:,} new figures "
        f"(one new month of {len(monthly)} monthly indicators for {len(areas)} areas), then drains the upkeep.",
        "",
        "| step | median | rounds |",
        "| --- | ---: | --- |",
        f"| import of {FIGURES:,} figures | {statistics.median(imports):.2f} s | "
        + ", ".join(f"{x:.2f}" for x in imports)
        + " |",
        f"| upkeep after it ({statistics.median(judged):,.0f} evaluations judged again) | {drain:.2f} s | "
        + ", ".join(f"{x:.2f}" for x in drains)
        + " |",
        f"| full rebuild, for comparison ({full.evaluated:,} evaluations) | {rebuild:.2f} s | 1 |",
        "",
        f"Aim: the upkeep after a write of {FIGURES:,} figures under {AIM_SECONDS:g} s: "
        f"**{'PASS' if drain < AIM_SECONDS else 'MISS'}** ({drain:.2f} s).",
        f"`kpi evaluations verify` afterwards: {'every stored evaluation equals a fresh judgement' if not mismatches else f'{len(mismatches)} differ'}"
        f"{'' if pending.current else ' (not current)'}.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
