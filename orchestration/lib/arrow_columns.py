"""NumPy arrays as Arrow columns, for the long tables the dbt Python models return (dbt-duckdb
loads Arrow without a copy through pandas): the gap filling's grid and the composite library's
tables; and back, for the columns those models read from DuckDB."""

from collections.abc import Sequence

import numpy as np
import pyarrow as pa


def labelled(labels: Sequence[str] | np.ndarray | pa.Array, codes: np.ndarray) -> pa.DictionaryArray:
    """``labels[codes]`` (any shape, flattened) as a text column; a negative code is null.

    Dictionary-encoded: DuckDB reads it as VARCHAR without a string per cell being made in between."""
    codes = np.asarray(codes, dtype=np.int32).reshape(-1)
    missing = codes < 0
    labels = labels if isinstance(labels, pa.Array) else pa.array(np.asarray(labels, dtype=object), pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=missing if missing.any() else None), labels)


def column(values: np.ndarray | pa.Array) -> pa.Array:
    """A NumPy column (one dimension) as Arrow; NaN becomes null, as it did through pandas (SQL
    counts and tests nulls)."""
    if isinstance(values, pa.Array):
        return values
    values = np.asarray(values)
    if values.dtype.kind == "f":
        return pa.array(values, mask=np.isnan(values))
    return pa.array(values)


def concatenated(column: pa.ChunkedArray) -> np.ndarray:
    """A column without nulls (coalesce them in the query) as one NumPy array. Chunk by chunk:
    ChunkedArray.to_numpy and combine_chunks took five to nine times as long at 30M rows, a
    null-aware conversion of each chunk 1-2 s more than coalescing in the query, and DuckDB's own
    fetchnumpy four times as long as reading Arrow this way."""
    chunks = [chunk.to_numpy(zero_copy_only=False) for chunk in column.chunks]
    return np.concatenate(chunks) if chunks else np.empty(0, column.type.to_pandas_dtype())
