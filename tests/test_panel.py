"""Panel <-> per-series arrays (skgru._panel), without a forecaster."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skgru._panel import (
    extend_history,
    forecast_index,
    join_series,
    series_arrays,
    split_series,
)


def _panel():
    index = pd.MultiIndex.from_product(
        [["a", "b"], pd.period_range("2000-01", periods=4, freq="M")],
        names=["store", "month"],
    )
    return pd.DataFrame({"sales": np.arange(8.0)}, index=index)


def test_a_panel_splits_into_series_and_arrays_in_time_order():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' length-1 level FutureWarning
        history = join_series(split_series(_panel()), None)
    assert list(history) == [("a",), ("b",)]
    ys, xs = series_arrays(history.values())
    assert xs is None
    np.testing.assert_array_equal(ys[1][:, 0], [4.0, 5.0, 6.0, 7.0])


def test_extend_history_appends_and_refuses_unknown_series():
    history = join_series(split_series(_panel()), None)
    may = pd.Period("2000-05", freq="M")
    later = pd.DataFrame(
        {"sales": [4.5, 7.0]},
        index=pd.MultiIndex.from_tuples(
            [("a", may), ("b", may)], names=["store", "month"]
        ),
    )
    extend_history(history, join_series(split_series(later), None))
    assert len(history[("a",)]) == 5
    np.testing.assert_array_equal(history[("b",)].y[-1], [7.0])
    other = later.rename(index={"a": "c"}, level="store").iloc[:1]
    with pytest.raises(ValueError, match=r"not seen in fit"):
        extend_history(history, join_series(split_series(other), None))


def test_forecast_index_of_a_series_and_of_a_panel():
    times = pd.period_range("2000-05", periods=2, freq="M")
    single = forecast_index([(("a",), times.copy())], None, "month")
    assert single.name == "month" and list(single) == list(times)
    panel = forecast_index(
        [(("a",), times), (("b",), times)], ["store", "month"], "month"
    )
    assert isinstance(panel, pd.MultiIndex) and panel.names == ["store", "month"]
    assert list(panel)[2] == ("b", times[0])
