"""Use-case profiles add their weights and take them away again; the user's edits survive."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.wizard import PROFILES, toggle_profile

BENCHES = sorted({b for weights in PROFILES.values() for b in weights} | {"mmlu", "team:ours"})
weights_st = st.dictionaries(st.sampled_from(BENCHES), st.floats(0.1, 50, allow_nan=False).map(lambda x: round(x, 2)))


@settings(derandomize=True, max_examples=200)
@given(weights_st, st.sampled_from(sorted(PROFILES)))
def test_untick_undoes_tick(weights, name):
    ticked = toggle_profile(weights, name, True)
    for bench, weight in PROFILES[name].items():
        assert abs(ticked[bench] - (weights.get(bench, 0.0) + weight)) < 1e-9
    back = toggle_profile(ticked, name, False)
    assert back.keys() == weights.keys()
    assert all(abs(back[k] - weights[k]) < 1e-9 for k in weights)


def test_ticking_keeps_the_users_other_weights_and_unticking_never_goes_negative():
    mine = {"mmlu": 3.0, "team:ours": 2.0, "ifeval": 0.25}
    ticked = toggle_profile(mine, "instruction following", True)
    assert ticked == {"mmlu": 3.0, "team:ours": 2.0, "ifeval": 1.25}
    # a preset's ifeval weight below the profile's: unticking removes it rather than going below zero
    assert toggle_profile(mine, "instruction following", False) == {"mmlu": 3.0, "team:ours": 2.0}


def test_benchmarks_the_catalogue_lacks_are_left_out():
    ticked = toggle_profile({}, "coding", True, known={"livecodebench"})
    assert ticked == {"livecodebench": PROFILES["coding"]["livecodebench"]}
