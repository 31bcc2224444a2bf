"""Minimum group size and person labels."""

from __future__ import annotations

import pandas as pd

from orgkit.privacy import complementary_suppression, is_visible, person_label, suppress_small_groups


def test_suppress_small_groups_blanks_values_and_sizes():
    t = pd.DataFrame({"department": ["a", "b", "c"], "people": [10, 4, 5], "density": [0.5, 0.9, 0.1],
                      "flag": [True, False, True]})
    out = suppress_small_groups(t, "people", 5, complementary=False)
    assert out["suppressed"].tolist() == [False, True, False]
    assert out["department"].tolist() == ["a", "b", "c"]          # the label stays
    assert str(out["people"].dtype) == "Int64"                    # whole numbers stay whole
    assert out["people"].isna().tolist() == [False, True, False]  # a small group's size is blanked too
    assert out["density"].isna().tolist() == [False, True, False]
    assert out["flag"].tolist() == [True, False, True]            # booleans are not values to blank
    assert t["density"].notna().all()                             # the input is not changed


def test_suppress_only_given_columns():
    t = pd.DataFrame({"n": [1, 9], "x": [1.0, 2.0], "y": [3.0, 4.0]})
    out = suppress_small_groups(t, "n", 5, value_columns=["x"], complementary=False)
    assert out["x"].isna().tolist() == [True, False] and out["y"].tolist() == [3.0, 4.0]


def test_is_visible():
    assert is_visible(5, 5) and not is_visible(4, 5) and not is_visible(None, 5) and not is_visible(float("nan"), 1)


def test_person_label_hides_names_unless_asked():
    assert person_label("E1", name="Ann", title="CEO") == "E1 (CEO)"
    assert person_label("E1", name="Ann") == "E1"
    assert person_label("E1", name="Ann", show_names=True) == "Ann (E1)"


def test_complementary_suppression_hides_the_next_smallest_group():
    # b (4) alone could be recovered as total 19 - a - c; c (5), the smallest shown, is hidden too.
    t = pd.DataFrame({"department": ["a", "b", "c"], "people": [10, 4, 5], "x": [1.0, 2.0, 3.0]})
    out = suppress_small_groups(t, "people", 5)
    assert out["suppressed"].tolist() == [False, True, True]
    assert out["x"].isna().tolist() == [False, True, True]


def test_complementary_suppression_not_needed_when_hidden_pool_is_large_enough():
    # b (3) and d (2): two hidden groups of 5 people together, nothing recoverable on its own
    t = pd.DataFrame({"department": ["a", "b", "c", "d"], "people": [10, 3, 6, 2]})
    assert suppress_small_groups(t, "people", 5)["suppressed"].tolist() == [False, True, False, True]


def test_complementary_suppression_pools_at_least_min_group_size():
    # b (1) and d (2) hidden: 3 people pooled, still under 5, so c (6) joins them
    sizes = pd.Series({"a": 10, "b": 1, "c": 6, "d": 2})
    mask = complementary_suppression(sizes, sizes < 5, 5)
    assert mask.to_dict() == {"a": False, "b": True, "c": True, "d": True}
