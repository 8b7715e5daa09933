"""The at-risk model on hand-made histories (pure: no database)."""

from __future__ import annotations

from aftersales.reports.risk import HistoryTable, Situation, bucket_of, estimate, reasons

KEY = ("case", "response", "P1")


def history(*, missed: int, met_late: int, met_early: int) -> HistoryTable:
    """met_late: met with under 10 % of the time left; met_early: with over half left."""
    table = HistoryTable()
    table.add(KEY, missed=True, n=missed)
    table.add(KEY, missed=False, bucket=bucket_of(0.05), n=met_late)
    table.add(KEY, missed=False, bucket=bucket_of(0.8), n=met_early)
    return table


def situation(share_left: float, **fields) -> Situation:
    return Situation(
        kind="case",
        target="response",
        priority="P1",
        minutes_left=30 * share_left,
        share_left=share_left,
        **fields,
    )


def test_less_time_left_gives_a_higher_chance_of_a_miss():
    table = history(missed=7, met_late=2, met_early=40)
    little = estimate(table, situation(0.05)).probability
    plenty = estimate(table, situation(0.9)).probability
    assert little > 0.6 > 0.25 > plenty


def test_the_history_counts_only_promises_still_open_with_this_little_time_left():
    e = estimate(history(missed=7, met_late=2, met_early=40), situation(0.05))
    assert (e.missed, e.alive) == (7, 9)


def test_a_heavier_load_gives_a_higher_chance():
    table = history(missed=3, met_late=3, met_early=10)
    light = estimate(table, situation(0.2, assigned=True, load=2, typical_load=6)).probability
    usual = estimate(table, situation(0.2, assigned=True, load=6, typical_load=6)).probability
    heavy = estimate(table, situation(0.2, assigned=True, load=14, typical_load=6)).probability
    assert light < usual < heavy


def test_a_case_no_one_is_assigned_to_is_riskier_than_one_at_typical_load():
    table = history(missed=3, met_late=3, met_early=10)
    nobody = estimate(table, situation(0.2, assigned=False)).probability
    usual = estimate(table, situation(0.2, assigned=True, load=6, typical_load=6)).probability
    assert nobody > usual


def test_a_resolution_not_yet_responded_to_is_riskier():
    table = HistoryTable()
    table.add(("case", "resolution", "P2"), missed=True, n=2)
    table.add(("case", "resolution", "P2"), missed=False, bucket=0, n=6)
    kw = {"kind": "case", "target": "resolution", "priority": "P2", "minutes_left": 60}
    responded = estimate(table, Situation(share_left=0.2, responded=True, diagnosed=True, **kw))
    silent = estimate(table, Situation(share_left=0.2, responded=False, diagnosed=False, **kw))
    assert silent.probability > responded.probability


def test_a_group_without_history_leans_on_its_kind_and_target():
    table = HistoryTable()
    table.add(("case", "response", "P3"), missed=True, n=30)
    table.add(("case", "response", "P3"), missed=False, bucket=0, n=3)
    e = estimate(table, situation(0.05))
    assert e.alive == 0
    assert e.probability > 0.7


def test_an_empty_history_gives_an_even_chance_not_a_certainty():
    e = estimate(HistoryTable(), situation(0.05))
    assert 0.3 < e.probability < 0.7


def test_the_reasons_name_the_time_left_the_history_and_the_load():
    table = history(missed=7, met_late=2, met_early=40)
    s = Situation(
        kind="case",
        target="response",
        priority="P1",
        minutes_left=12,
        share_left=0.4,
        assigned=True,
        load=14,
        typical_load=6,
    )
    words = reasons(s, estimate(table, s), target_label="response")
    assert words[0] == "P1 response with 12 min of service time left (40% of the promised time)"
    assert "similar promises with this little time left were missed" in words[1]
    assert words[2] == "Assignee has 14 open cases (team median 6)"


def test_the_reasons_say_when_no_one_is_assigned_and_nothing_was_answered():
    table = HistoryTable()
    s = Situation(
        kind="case",
        target="diagnosis",
        priority="P2",
        minutes_left=20,
        share_left=0.1,
        assigned=False,
        responded=False,
        diagnosed=False,
    )
    words = reasons(s, estimate(table, s), target_label="diagnosis")
    assert "No one is assigned yet" in words
    assert "Not responded to yet" in words
    assert words[1].startswith("No similar promise decided yet")
