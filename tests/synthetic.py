"""A small, fixed, SYNTHETIC dataset the API, web and browser tests share."""

from kpi_api.importing.service import import_bytes
from kpi_core import shipped_areas

CAPITAL = [a.code for a in shipped_areas().municipalities_in("1084")]


def synthetic_csv() -> str:
    # Each indicator in periods of its catalogue frequency: 1.1 quarterly, 4.1 yearly, the
    # rest monthly (a yearly row of a monthly indicator is refused).
    lines = ["indicator,area,period,value,published,origin,target_group,source"]
    for n, code in enumerate(CAPITAL):  # 2.1: 151 is third lowest in 2022-09, eleventh in 2021-09
        lines.append(f"2.1,{code},2022-09,{2 + n / 10 if code != '151' else 2.15},2022-10-15,,,SYNTETISK")
        lines.append(f"2.1,{code},2021-09,{2 + n / 10 if code != '151' else 3.05},2021-10-15,,,SYNTETISK")
    lines += [
        "1.1,151,2022Q4,41,2023-01-10,,,SYNTETISK",
        "3.1,151,2022-12,9.5,2023-01-10,,,SYNTETISK",
        "3.1,DK,2022-12,10,2023-01-10,,,SYNTETISK",
        "3.1,151,2021-12,8,2022-01-10,,,SYNTETISK",
        "3.1,DK,2021-12,10,2022-01-10,,,SYNTETISK",
        "4.1,151,2022,61,2023-01-10,,,SYNTETISK",
        "4.1,DK,2022,60,2023-01-10,,,SYNTETISK",
        "2.2,151,2022-12,30,2023-01-10,,,SYNTETISK",
        "2.2,DK,2022-12,29,2023-01-10,,,SYNTETISK",
        "5.4,151,2022-12,30,2023-01-10,non_western,,SYNTETISK",
        "5.4,151,2022-12,30,2023-01-10,danish+western,,SYNTETISK",
        "5.4,151,2022-12,20,2023-01-10,non_western,dagpenge,SYNTETISK",
        "5.4,151,2022-12,25,2023-01-10,danish+western,dagpenge,SYNTETISK",
    ]
    return "\n".join(lines) + "\n"


REVISED = "indicator,area,period,value,published,source\n2.2,151,2022-12,28.5,2023-03-10,SYNTETISK revision\n"


def seed(services) -> None:
    """Import the synthetic figures (and the revised vintage) into a database."""
    for name, text in (("status-test.csv", synthetic_csv()), ("status-revised.csv", REVISED)):
        report = import_bytes(text.encode(), name, services.observations, services.strategies, services.areas)
        assert not report.rejected, report.problems
