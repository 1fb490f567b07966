import os

from hypothesis import HealthCheck, settings

# `ci` keeps CI time bounded (selected when CI is set, as CI does); `dev` (default)
# explores a little more. HYPOTHESIS_PROFILE chooses either explicitly.
settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "dev", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

try:
    import kpi_api.app  # noqa: F401  (the service and its extras are installed)
except ModuleNotFoundError:
    # Only the core (`kommune-kpi[testing]` and pytest): its own tests and doctests run,
    # which proves at run time that it needs nothing of the service.
    collect_ignore = [
        "api",
        "browser",
        "fuzz",
        "security",
        "web",
        "service.py",
        "postgres.py",
        "synthetic.py",
    ]
else:
    from tests.service import *  # noqa: F403  (fixtures: databases, a real server, …)
    from tests.service import reset_observations, run_async, serving  # noqa: F401  (imported by tests)
