"""Budgets as array data that cannot mistake "unbounded" for a number.

An unbounded budget has no integer. In a masked int64 array the hidden slot
still holds one (``np.asarray`` shows 0, ``.filled()`` 999999), so arrays with
an unbounded element hold Python ints and ``None`` (object dtype) instead, and
pandas gets nullable ``Int64`` with ``<NA>`` (or Python ints beside ``None``
when a budget does not fit int64). pandas is imported only here, on demand.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["budget_series", "missing_where_unbounded", "to_pandas"]

_INT64_MAX = 2**63 - 1


def missing_where_unbounded(values: Any, unbounded: np.ndarray) -> np.ma.MaskedArray:
    """``values`` as a masked array whose unbounded elements are masked *and* ``None``.

    Without an unbounded element the array keeps its dtype (int64 when every budget fits).

    >>> import numpy as np
    >>> n = missing_where_unbounded(np.array([3, 0]), np.array([False, True]))
    >>> n.tolist(), np.asarray(n).tolist(), n.filled().tolist()
    ([3, None], [3, None], [3, None])
    """
    data = np.ma.getdata(values)
    if not unbounded.any():
        return np.ma.masked_array(data, mask=np.zeros(data.shape, dtype=bool))
    exact = np.empty(data.shape, dtype=object)
    exact[...] = data.astype(object)  # numpy ints become Python ints, exact at any size
    exact[unbounded] = None
    result = np.ma.masked_array(exact, mask=unbounded.copy())
    # numpy's public setter turns a fill value of None into "?" for object arrays; stored
    # directly, ``.filled()`` gives None (missing) where the budget is unbounded
    result._fill_value = np.array(None, dtype=object)  # type: ignore[attr-defined]
    return result


def budget_series(values: Any, unbounded: np.ndarray, **series: Any) -> Any:
    """A pandas Series of budgets: ``Int64`` with ``<NA>`` for unbounded, else exact Python ints.

    >>> import numpy as np
    >>> budget_series(np.array([3, 0]), np.array([False, True])).tolist()
    [3, <NA>]
    """
    import pandas as pd

    pairs = zip(np.ma.getdata(values).ravel(), np.asarray(unbounded, dtype=bool).ravel(), strict=True)
    flat = [None if never else int(value) for value, never in pairs]
    if all(value is None or value <= _INT64_MAX for value in flat):
        return pd.Series(pd.array(flat, dtype="Int64"), **series)
    return pd.Series(flat, dtype=object, **series)


def to_pandas(values: Any, unbounded: np.ndarray) -> Any:
    """Budgets as pandas, shaped as xarray's ``to_pandas``: 0-D and 1-D a Series, 2-D a DataFrame.

    >>> import numpy as np
    >>> to_pandas(np.array([[1, 2], [3, 0]]), np.array([[False, False], [False, True]]))
       0     1
    0  1     2
    1  3  <NA>
    """
    from bounds.errors import ParameterError

    shape = np.shape(unbounded)
    if len(shape) > 2:
        raise ParameterError("budgets", "at most two dimensions for pandas (use .n for more)", shape)
    column = budget_series(values, unbounded, name="budget")
    if len(shape) < 2:
        return column
    import pandas as pd

    rows, columns = shape
    return pd.DataFrame({j: column.iloc[j::columns].reset_index(drop=True) for j in range(columns)})
