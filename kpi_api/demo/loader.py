"""Store the synthetic demo dataset (kpi_api.demo.synthetic) as one import batch, with progress."""

import datetime
import hashlib

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kpi_api.bootstrap import Services
from kpi_api.demo import synthetic as demo
from kpi_core.repository import ImportBatch

FORMAT_VERSION = 1  # bump when the generator's output changes, so a new batch is loaded


def demo_fingerprint(seed: int, first_year: int, last_year: int) -> str:
    return hashlib.sha256(
        f"kpi demo v{FORMAT_VERSION} seed={seed} years={first_year}-{last_year}".encode()
    ).hexdigest()


def load_demo(
    services: Services, seed: int, first_year: int, last_year: int, console: Console | None = None
) -> str:
    digest = demo_fingerprint(seed, first_year, last_year)
    done = next((b for b in services.observations.batches() if b.sha256 == digest), None)
    if done is not None:
        return f"The synthetic demo dataset is already loaded (batch {done.id}, {done.added:,} rows); nothing changed."
    total = demo.count(
        first_year=first_year, last_year=last_year, areas=list(services.areas), strategies=services.strategies
    )
    console = console or Console(stderr=True)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("generating synthetic data", total=total)
        rows = []
        for observation in demo.generate(
            seed=seed,
            first_year=first_year,
            last_year=last_year,
            areas=list(services.areas),
            strategies=services.strategies,
        ):
            rows.append(observation)
            if len(rows) % 10_000 == 0:
                bar.update(task, completed=len(rows))
        bar.update(task, description="storing", completed=0)
        batch = ImportBatch(
            id=f"demo-{seed}-{first_year}-{last_year}",
            file_name=f"(synthetic demo data, seed {seed}, {first_year}–{last_year})",
            sha256=digest,
            format="demo",
            imported_by="kpi demo",
            imported_at=datetime.datetime.now(datetime.UTC),
        )
        stored = services.observations.add(batch, rows, progress=lambda n: bar.update(task, advance=n))
    return f"Loaded {stored.added:,} SYNTHETIC demo rows (seed {seed}, {first_year}–{last_year}) as batch {stored.id}."
