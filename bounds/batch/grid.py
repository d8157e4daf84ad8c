"""Budgets for broadcast numpy or dask arrays: the certified constant-rate kernel, block by block.

:func:`budget_grid` is the array form of a sweep (:mod:`bounds.batch.sweep`): numpy
input is evaluated in chunks of bounded memory, dask input becomes a lazy dask array
whose blocks the scheduler (threads, processes or a cluster) computes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bounds.errors import ParameterError
from bounds.solve.api import budget as constant_budget
from bounds.solve.budget import BudgetArray

__all__ = ["DEFAULT_CHUNK_SIZE", "budget_grid"]

#: Grid points per chunk. Working memory is about 400 bytes per point (the CSV text of the
#: chunk and its cells as Python strings): 2**18 points keep a 1e8-point sweep near 150 MB.
DEFAULT_CHUNK_SIZE = 2**18


def _is_dask(value: Any) -> bool:
    return type(value).__module__.split(".")[0] == "dask"


def _grid_kernel(epsilon: np.ndarray, threshold: np.ndarray) -> np.ma.MaskedArray:
    result = constant_budget(epsilon=np.asarray(epsilon), threshold=np.asarray(threshold))
    assert isinstance(result, BudgetArray)
    return np.ma.masked_array(_placeholder_data(result), mask=result.unbounded)


def _placeholder_data(result: BudgetArray) -> np.ndarray:
    """The budgets with 0 in the unbounded slots (the mask says which), int64 when every budget fits."""
    data = result.n.filled(0)
    if data.dtype == object and all(value < 2**63 for value in data.flat):
        data = data.astype(np.int64)
    return np.asarray(data)


def budget_grid(epsilon: Any, threshold: Any, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Any:
    """Budgets for broadcast arrays of ``epsilon`` and ``threshold``: numpy in chunks, or lazily on dask.

    Parameters
    ----------
    epsilon, threshold : array_like or dask.array.Array
        Broadcast against each other (``E[:, None]`` and ``T[None, :]`` give a grid).
    chunk_size : int
        For numpy input, elements per chunk (bounds the working memory).

    Returns
    -------
    numpy.ma.MaskedArray or dask.array.Array
        Exact budgets (int64), masked where unbounded. For dask input the
        result is a lazy dask array of the broadcast shape whose blocks are
        masked arrays; each block is computed by the same certified kernel, so
        the scheduler (threads, processes or a cluster) decides where.

    Raises
    ------
    ParameterError
        When a budget does not fit in int64 (``epsilon`` below about 1e-18);
        use :func:`bounds.budget` for those, whose ``.n`` holds Python ints.

    Examples
    --------
    >>> import numpy as np
    >>> budget_grid(np.array([0.001, 0.01])[:, None], np.array([0.605, 0.5])[None, :]).tolist()
    [[502, 692], [50, 68]]
    """
    if _is_dask(epsilon) or _is_dask(threshold):
        import dask.array as da

        eps, level = da.broadcast_arrays(da.asarray(epsilon), da.asarray(threshold))
        meta = np.ma.masked_array(np.empty((0,) * eps.ndim, dtype=np.int64))
        return da.map_blocks(_checked_kernel, eps, level, dtype=np.int64, meta=meta)
    eps, level = np.broadcast_arrays(np.asarray(epsilon), np.asarray(threshold))
    if eps.size == 0:
        raise ParameterError("epsilon", "a non-empty array", epsilon)
    flat_eps, flat_level = eps.reshape(-1), level.reshape(-1)
    data = np.empty(eps.size, dtype=np.int64)
    mask = np.empty(eps.size, dtype=bool)
    for start in range(0, eps.size, chunk_size):
        stop = min(start + chunk_size, eps.size)
        block = _checked_kernel(flat_eps[start:stop], flat_level[start:stop])
        data[start:stop], mask[start:stop] = block.data, np.ma.getmaskarray(block)
    return np.ma.masked_array(data.reshape(eps.shape), mask=mask.reshape(eps.shape))


def _checked_kernel(epsilon: np.ndarray, threshold: np.ndarray) -> np.ma.MaskedArray:
    block = _grid_kernel(epsilon, threshold)
    if block.dtype == object:
        raise ParameterError(
            "epsilon",
            "large enough that every budget fits in int64 (use bounds.budget)",
            float(np.min(epsilon)),
        )
    return block
