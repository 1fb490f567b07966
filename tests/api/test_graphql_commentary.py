"""Staff commentary over HTTP (a real server on a real SQLite file): who may write it,
what is refused and how the error names the argument, versions and withdrawals, and the
pages showing it escaped."""

import datetime

import httpx
import pytest
import sqlalchemy as sa

from kpi_api.bootstrap import open_services
from kpi_api.storage import tokens
from tests.conftest import serving

STRATEGY = "ballerup-beskaeftigelsesstrategi"
ADD = """mutation($indicator: ID!, $area: String!, $period: String!, $text: String!, $lang: Lang, $version: String!) {
  addCommentary(strategyId: "ballerup-beskaeftigelsesstrategi", version: $version, indicatorId: $indicator,
                area: $area, period: $period, text: $text, lang: $lang) {
    id version period area indicatorId goalId author text textLang withdrawn history { version } } }"""
ADD_GOAL = """mutation($goal: ID!, $period: String!, $text: String!) {
  addGoalCommentary(strategyId: "ballerup-beskaeftigelsesstrategi", version: "2022", goalId: $goal,
                    area: "151", period: $period, text: $text) { id goalId indicatorId period } }"""
EDIT = """mutation($id: ID!, $text: String!, $lang: Lang) { editCommentary(id: $id, text: $text, lang: $lang) {
  id version author da: text(lang: DA) en: text(lang: EN) languages history { version author text(lang: DA) } } }"""
WITHDRAW = (
    """mutation($id: ID!) { withdrawCommentary(id: $id) { id version withdrawn history { version } } }"""
)
READ = """query($indicator: ID!, $area: String!, $period: String, $asOf: Date) {
  strategy(id: "ballerup-beskaeftigelsesstrategi") { revision(version: "2022") {
    indicator(id: $indicator) { commentary(area: $area, period: $period, asOf: $asOf) {
      id version text(lang: DA) author writtenAt period history { version text(lang: DA) } } }
    focusAreas { goal { id commentary(area: "151") { id text } } } } } }"""
SCRIPT = "<script>alert('x')</script> & \"mere\""
GOOD = {"indicator": "2.1", "area": "151", "period": "2022-09", "version": "2022"}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('commentary') / 'kpi.sqlite3'}"


@pytest.fixture(scope="module")
def server(database_url):
    with serving(database_url) as base:
        yield base


@pytest.fixture(scope="module")
def made(server, database_url):
    engine = open_services(database_url).engine
    return {scope: tokens.create(engine, scope, f"Anna ({scope.value})")[0] for scope in tokens.Scope}


def _rows(database_url) -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as c:
        count = c.execute(sa.text("SELECT count(*) FROM commentary_versions")).scalar_one()
    engine.dispose()
    return count


def post(server, query, token=None, **variables) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{server}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def error(answer: dict) -> tuple[str, str | None, str]:
    (e,) = answer["errors"]
    return e["extensions"]["code"], e["extensions"].get("argument"), e["message"]


def comment(server, made, **variables) -> dict:
    return post(server, ADD, made[tokens.Scope.COMMENT], **{**GOOD, **variables})


@pytest.mark.parametrize("scope", [tokens.Scope.READ, tokens.Scope.IMPORT, tokens.Scope.PUBLISH])
def test_writing_needs_a_comment_token_and_says_how_to_get_one(server, made, scope):
    for query, variables in (
        (ADD, {**GOOD, "text": "x"}),
        (EDIT, {"id": "x", "text": "x"}),
        (WITHDRAW, {"id": "x"}),
    ):
        code, _, message = error(post(server, query, made[scope], **variables))
        assert code == "FORBIDDEN"
        assert f"has scope '{scope.value}'; this needs 'comment'" in message
        assert "kpi token create --scope comment" in message
    code, _, message = error(post(server, ADD, None, **GOOD, text="x"))
    assert code == "UNAUTHENTICATED" and "kpi token create --scope comment" in message


@pytest.mark.parametrize(
    ("change", "argument", "code", "words"),
    [
        (
            {"period": "2022Q3"},
            "period",
            "BAD_USER_INPUT",
            "is a quarter, but indicator 2.1 is published monthly",
        ),
        ({"period": "2022-13"}, "period", "BAD_USER_INPUT", "is not a month"),
        ({"area": "999"}, "area", "BAD_USER_INPUT", "There is no area '999'"),
        ({"indicator": "9.9"}, "indicatorId", "NOT_FOUND", "has no indicator '9.9'"),
        ({"indicator": "1.5a"}, "indicatorId", "NOT_FOUND", "Revision 2022 of"),  # only in 2020
        ({"version": "2099"}, "version", "NOT_FOUND", "no published revision '2099'; it has 2020, 2022"),
        ({"text": "x" * 2001}, "text", "BAD_USER_INPUT", "2,001 characters long; at most 2,000"),
        ({"text": "a\x07b"}, "text", "BAD_USER_INPUT", "U+0007, at position 2; remove it"),
        ({"text": "  "}, "text", "BAD_USER_INPUT", "text is empty"),
    ],
)
def test_a_bad_argument_is_refused_naming_it_and_nothing_is_written(
    server, made, database_url, change, argument, code, words
):
    written = _rows(database_url)
    answer = comment(server, made, **{"text": "Ok", **change})
    assert answer["data"] is None and _rows(database_url) == written
    assert error(answer)[:2] == (code, argument) and words in error(answer)[2]


def test_add_edit_withdraw_keeps_every_version_and_reads_follow(server, made):
    added = comment(server, made, indicator="2.2", text="Ledigheden steg.")["data"]["addCommentary"]
    assert {
        k: added[k] for k in ("version", "period", "area", "indicatorId", "goalId", "author", "withdrawn")
    } == {
        "version": 1,
        "period": "2022-09",
        "area": "151",
        "indicatorId": "2.2",
        "goalId": None,
        "author": "Anna (comment)",  # the token's name
        "withdrawn": False,
    }
    cid = added["id"]
    english = post(server, EDIT, made[tokens.Scope.COMMENT], id=cid, text="Unemployment rose.", lang="EN")
    edited = post(server, EDIT, made[tokens.Scope.COMMENT], id=cid, text="Ledigheden steg i september.")
    e = edited["data"]["editCommentary"]
    assert (e["version"], e["da"], e["en"], e["languages"]) == (
        3,
        "Ledigheden steg i september.",
        "Unemployment rose.",
        ["DA", "EN"],
    )
    assert [h["version"] for h in e["history"]] == [2, 1] and english["data"]["editCommentary"][
        "version"
    ] == 2
    read = post(server, READ, indicator="2.2", area="151")["data"]["strategy"]["revision"]["indicator"][
        "commentary"
    ]
    assert [(c["id"], c["version"], c["text"]) for c in read] == [(cid, 3, "Ledigheden steg i september.")]
    assert [h["text"] for h in read[0]["history"]] == ["Ledigheden steg.", "Ledigheden steg."]
    withdrawn = post(server, WITHDRAW, made[tokens.Scope.COMMENT], id=cid)["data"]["withdrawCommentary"]
    assert (withdrawn["version"], withdrawn["withdrawn"], len(withdrawn["history"])) == (4, True, 3)
    after = post(server, READ, indicator="2.2", area="151")["data"]["strategy"]["revision"]["indicator"]
    assert after["commentary"] == []
    again = post(server, EDIT, made[tokens.Scope.COMMENT], id=cid, text="igen")
    assert error(again)[:2] == ("CONFLICT", "id") and "add a new commentary" in error(again)[2]
    assert error(post(server, WITHDRAW, made[tokens.Scope.COMMENT], id=cid))[0] == "CONFLICT"
    assert error(post(server, WITHDRAW, made[tokens.Scope.COMMENT], id="nope"))[:2] == ("NOT_FOUND", "id")


def test_as_of_a_day_before_it_was_written_shows_none(server, made):
    comment(server, made, indicator="2.3", text="I dag.")
    today = datetime.date.today()
    for day, expected in (
        (today - datetime.timedelta(days=2), []),
        (today + datetime.timedelta(days=1), ["I dag."]),
    ):
        found = post(server, READ, indicator="2.3", area="151", asOf=day.isoformat())
        assert [
            c["text"] for c in found["data"]["strategy"]["revision"]["indicator"]["commentary"]
        ] == expected


def test_a_read_with_a_bad_period_or_area_nulls_only_itself_naming_the_argument(server):
    for variables, argument in (({"period": "2022Q1"}, "period"), ({"area": "nowhere"}, "area")):
        answer = post(server, READ, indicator="2.1", **{"area": "151", **variables})
        assert answer["data"]["strategy"]["revision"]["indicator"] == {"commentary": None}
        assert error(answer)[:2] == ("BAD_USER_INPUT", argument)


def test_a_goal_takes_commentary_of_its_key_figures_frequency(server, made):
    bad = post(server, ADD_GOAL, made[tokens.Scope.COMMENT], goal="M1", period="2022-09", text="x")
    assert error(bad)[:2] == ("BAD_USER_INPUT", "period")
    assert "its key figure 1.1 is published quarterly (write a quarter, YYYYQn)" in error(bad)[2]
    assert error(post(server, ADD_GOAL, made[tokens.Scope.COMMENT], goal="M9", period="2022", text="x"))[
        :2
    ] == (
        "NOT_FOUND",
        "goalId",
    )
    added = post(server, ADD_GOAL, made[tokens.Scope.COMMENT], goal="M1", period="2022q3", text="Om målet")
    assert {k: v for k, v in added["data"]["addGoalCommentary"].items() if k != "id"} == {
        "goalId": "M1",
        "indicatorId": None,
        "period": "2022Q3",  # canonical
    }
    goals = post(server, READ, indicator="2.1", area="151")["data"]["strategy"]["revision"]["focusAreas"]
    shown = {g["goal"]["id"]: [c["text"] for c in g["goal"]["commentary"]] for g in goals}
    assert shown["M1"] == ["Om målet"] and shown["M2"] == []


def test_the_pages_show_the_newest_commentary_beside_the_status_escaped(server, made):
    comment(server, made, indicator="2.1", text="Ældre kommentar")
    comment(server, made, indicator="2.1", text=SCRIPT + "\nAnden linje")
    post(server, ADD_GOAL, made[tokens.Scope.COMMENT], goal="M2", period="2022-09", text="<b>Om mål 2</b>")
    status = httpx.get(f"{server}/status/151?revision=2022", timeout=30)
    figure = httpx.get(f"{server}/figures/2.1/151.html?revision=2022&lang=en", timeout=30)
    for page in (status, figure):
        assert page.status_code == 200
        assert "<script>" not in page.text and "alert(" in page.text
        assert (
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;mere&#34;<br>Anden linje" in page.text
        )
        assert "Ældre kommentar" not in page.text  # the newest only
    assert "&lt;b&gt;Om mål 2&lt;/b&gt;" in status.text and "<b>Om" not in status.text
    assert "Kommentar om 2022-09 · Anna (comment)" in status.text
    assert (
        "Comment on 2022-09 · Anna (comment)" in figure.text and 'lang="da"' in figure.text
    )  # written in Danish
    pinned = httpx.get(f"{server}/status/151?revision=2022&asOf=2020-01-01", timeout=30)
    assert "alert(" not in pinned.text  # as of a day before it was written
