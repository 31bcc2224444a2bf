"""Minimum group size and person labels."""

from __future__ import annotations

import pandas as pd

from orgkit.privacy import is_visible, person_label, suppress_small_groups


def test_suppress_small_groups_blanks_values_and_sizes():
    t = pd.DataFrame({"department": ["a", "b", "c"], "people": [10, 4, 5], "density": [0.5, 0.9, 0.1],
                      "flag": [True, False, True]})
    out = suppress_small_groups(t, "people", 5)
    assert out["suppressed"].tolist() == [False, True, False]
    assert out["department"].tolist() == ["a", "b", "c"]          # the label stays
    assert str(out["people"].dtype) == "Int64"                    # whole numbers stay whole
    assert out["people"].isna().tolist() == [False, True, False]  # a small group's size is blanked too
    assert out["density"].isna().tolist() == [False, True, False]
    assert out["flag"].tolist() == [True, False, True]            # booleans are not values to blank
    assert t["density"].notna().all()                             # the input is not changed


def test_suppress_only_given_columns():
    t = pd.DataFrame({"n": [1, 9], "x": [1.0, 2.0], "y": [3.0, 4.0]})
    out = suppress_small_groups(t, "n", 5, value_columns=["x"])
    assert out["x"].isna().tolist() == [True, False] and out["y"].tolist() == [3.0, 4.0]


def test_is_visible():
    assert is_visible(5, 5) and not is_visible(4, 5) and not is_visible(None, 5) and not is_visible(float("nan"), 1)


def test_person_label_hides_names_unless_asked():
    assert person_label("E1", name="Ann", title="CEO") == "E1 (CEO)"
    assert person_label("E1", name="Ann") == "E1"
    assert person_label("E1", name="Ann", show_names=True) == "Ann (E1)"
