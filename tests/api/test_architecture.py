"""The import contracts in pyproject.toml hold, and each one fails on a probe import.

The probes are added to the real import graph (grimp's, as `lint-imports` builds it), so
a contract that were removed from pyproject.toml, or loosened until it no longer catches
its probe, fails here."""

import copy
import textwrap
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application.use_cases import read_user_options
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parents[2]
configuration.configure()  # what `lint-imports` does first: the readers, printers and timers
OPTIONS = read_user_options(str(ROOT / "pyproject.toml"))
KINDS = {
    "forbidden": ForbiddenContract,
    "layers": LayersContract,
    "acyclic_siblings": AcyclicSiblingsContract,
}

PURE = "kpi_core is pure: no web, database, network, process or service code"
FACES = "the faces (graphql, web, importing) reach storage only through objects handed to them"
BELOW = "storage and http plumbing do not import the faces or the composition"
GRAPHQL = "graphql runs one way: schema, types, resolvers and loaders, leaves, enums"
ACYCLIC = "no import cycles in kpi_api, between modules or between packages"


def contract(name: str):
    options = next(c for c in OPTIONS.contracts_options if c["name"] == name)
    return KINDS[options["type"]](name, OPTIONS.session_options, options)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(
        *OPTIONS.session_options["root_packages"], include_external_packages=True, cache_dir=None
    )


def kept(name: str, graph: grimp.ImportGraph, *probe: tuple[str, str]) -> bool:
    graph = copy.deepcopy(graph)  # the probe stays in this test
    for importer, imported in probe:
        graph.add_import(importer=importer, imported=imported)
    return contract(name).check(graph, verbose=False).kept


@pytest.mark.parametrize("name", [PURE, FACES, BELOW, GRAPHQL, ACYCLIC])
def test_the_contract_holds(graph, name):
    assert kept(name, graph)


@pytest.mark.parametrize(
    ("name", "importer", "imported"),
    [
        (PURE, "kpi_core.wording", "sqlite3"),
        (PURE, "kpi_core.model", "kpi_api.http.quoting"),
        (FACES, "kpi_api.web.routes", "kpi_api.storage.tables"),
        (FACES, "kpi_api.graphql.mutations", "kpi_api.storage.catalogue_store"),
        (FACES, "kpi_api.importing.service", "sqlalchemy"),
        (FACES, "kpi_api.graphql.resolvers", "kpi_api.bootstrap"),
        (BELOW, "kpi_api.storage.observation_store", "kpi_api.importing.service"),
        (BELOW, "kpi_api.http.limits", "kpi_api.graphql.auth"),
        (GRAPHQL, "kpi_api.graphql.enums", "kpi_api.graphql.types"),
        (GRAPHQL, "kpi_api.graphql.resolvers", "kpi_api.graphql.series_types"),
        # The cycle this contract replaced: loaders imported the evaluation types lazily.
        (ACYCLIC, "kpi_api.graphql.loaders", "kpi_api.graphql.types"),
        (ACYCLIC, "kpi_api.http.deadline", "kpi_api.storage.engine"),
    ],
)
def test_the_contract_breaks_on_a_probe_import(graph, name, importer, imported):
    assert not kept(name, graph, (importer, imported))


def test_imports_inside_functions_and_under_type_checking_make_a_cycle(tmp_path, monkeypatch):
    # What grimp reads from source, as the contract sees it: deferred imports count too.
    package = tmp_path / "probe_rooms"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text(
        textwrap.dedent("""
        def later():
            from probe_rooms import b
    """)
    )
    (package / "b.py").write_text(
        textwrap.dedent("""
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from probe_rooms import a
    """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    probe = grimp.build_graph("probe_rooms", cache_dir=None)
    options = {
        **next(c for c in OPTIONS.contracts_options if c["name"] == ACYCLIC),
        "ancestors": ["probe_rooms"],
    }
    check = AcyclicSiblingsContract(ACYCLIC, {"root_packages": ["probe_rooms"]}, options).check(
        probe, verbose=False
    )
    assert not check.kept
