"""The public status page (`/status/{area}`): a StatusPage rendered to plain HTML.

No JavaScript and no external resources. Statuses, trends, dates and numbers are put
in words by `kpi_core.wording` (the template's filters); the words for a row's value,
reference and revision change are assembled here, so the template only lays them out.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal

from kpi_api.web.commentary_note import CommentaryNote, commentary_note
from kpi_api.web.templating import environment
from kpi_api.web.view_models import IndicatorRow, StatusPage
from kpi_core import (
    ChangeKind,
    Indicator,
    Lang,
    Status,
    describe_target,
    target_facts,
)
from kpi_core.commentary import Commentary, SubjectKind
from kpi_core.wording import (
    NBSP,
    count_statuses,
    describe_cell,
    dimension_name,
    join_words,
    rank_words,
    typeset_value,
)


def render_status_page(
    page: StatusPage,
    url: Callable[..., str],
    commentary: Mapping[tuple[SubjectKind, str], Commentary] | None = None,
) -> str:
    """The page as HTML. `url(revision=..., lang=...)` builds the switch links; `commentary`
    is the newest staff commentary on each indicator and goal (commentary_service.latest_on_page)."""
    lang = page.lang
    written = commentary or {}

    def indicator_note(row: IndicatorRow) -> CommentaryNote | None:
        return commentary_note(written.get((SubjectKind.INDICATOR, row.indicator.id)), lang)

    def goal_note(goal) -> CommentaryNote | None:
        return commentary_note(written.get((SubjectKind.GOAL, goal.goal_id)), lang)

    def t(da: str, en: str) -> str:
        return en if lang is Lang.EN else da

    def fmt(value: Decimal | None, indicator: Indicator) -> str:
        # With the decimals the catalogue declares, as the explanation beside it prints them.
        return typeset_value(value, indicator.unit, lang, indicator.decimals)

    def value_words(row: IndicatorRow) -> str:
        """`41,3 % (2022)`; judged per group, the deciding group's: `10 % (2022, kontanthjælp)`."""
        e = row.evaluation
        shown = [e.period] if e.period else []
        if e.rollup and e.rollup.deciding:
            shown.append(describe_cell(e.rollup.deciding)(lang))
        return fmt(e.value, row.indicator) + (f" ({', '.join(shown)})" if shown else "")

    def rollup_words(row: IndicatorRow) -> str:
        """For an indicator judged per group: how many groups have each status, which
        group decides and which lack figures; "" otherwise."""
        r = row.evaluation.rollup if row.evaluation else None
        if r is None:
            return ""
        per = dimension_name(r.per, lang)
        words = [
            t(f"Vurderet pr. {per}; den dårligste gruppe afgør", f"Judged per {per}; the worst group decides")
            + (f": {count_statuses(r.counts)(lang)}." if r.counts else ".")
        ]
        if r.deciding:
            words.append(t("Afgørende:", "Deciding:") + f" {describe_cell(r.deciding)(lang)}.")
        if r.missing:
            missing = join_words(describe_cell(g) for g in r.missing)(lang)
            words.append(t(f"Mangler tal for {missing}.", f"No figures for {missing}."))
        return " ".join(words)

    def reference_words(row: IndicatorRow) -> str:
        """What the value is compared with: `Hele landet: 36,5 %`; a fixed target by its words."""
        e, facts = row.evaluation, target_facts(row.indicator.target)
        if e.reference_label is None:
            if facts.monitored_only:
                return t("Intet (tallet følges)", "None (monitored)")
            return target_words(row)  # no value to compare: say what it would be compared with
        label = _keep_unit(e.reference_label(lang))
        # A fixed target's label already says its value ("minimum 80 %").
        if e.reference is not None and facts.value is None:
            label = f"{label}: {fmt(e.reference, row.indicator)}"
        if e.rank is not None:
            label += t(f"; nr. {e.rank} af {e.rank_of}", f"; no. {e.rank} of {e.rank_of}")
        elif e.rank_best is not None and e.rank_worst is not None and e.rank_of and e.rank_known:
            label += "; " + rank_words(e.rank_best, e.rank_worst, e.rank_of, e.rank_known, lang)
        return label

    def target_words(row: IndicatorRow) -> str:
        return _keep_unit(describe_target(row.indicator.target, row.indicator.unit)(lang))

    def change_words(row: IndicatorRow) -> str:
        kind = row.change
        if kind is ChangeKind.ADDED:
            return t("Ny", "New")
        if kind is ChangeKind.REPLACED:
            return t(f"Erstatter {row.replaces or ''}", f"Replaces {row.replaces or ''}").strip()
        if kind is ChangeKind.RESCOPED:
            return t("Ændret opgørelse", "Re-scoped")
        if kind is ChangeKind.REWORDED:
            return t("Omformuleret", "Reworded")
        if kind is ChangeKind.REMOVED:
            return t("Udgået", "Dropped")
        return ""

    rows = (*page.overall, *(r for g in page.goals for r in g.indicators))
    template = environment().get_template("status.html")
    return template.render(
        page=page,
        lang=lang,
        url=url,
        change_words=change_words,
        value_words=value_words,
        rollup_words=rollup_words,
        reference_words=reference_words,
        target_words=target_words,
        indicator_note=indicator_note,
        goal_note=goal_note,
        statuses=tuple(Status),
        show_changes=any(r.change is not None for r in rows),  # not in a strategy's first revision
    )


def _keep_unit(text: str) -> str:
    """`80 %` never breaks between the number and the percent sign."""
    return text.replace(" %", f"{NBSP}%")
