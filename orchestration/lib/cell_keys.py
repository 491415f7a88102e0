"""The integer key of one NQPF cell, a system indicator x unit x year (dbt macro nqpf_cell_id):
``((indicator_no * 2^24) + unit_no) * 2^12 + year``.

The cell-level models carry it (int_nqpf__02 and the filled grid, int_nqpf__03); the gap filling
builds it for the cells of its grid, and the composite library and the panel (int_nqpf__07_panel)
place each cell by its parts, with no join. The layout is the macro's: change both together."""

import numpy as np

UNIT_BITS, YEAR_BITS = 24, 12


def cell_key(indicator_no: int, unit_no: np.ndarray, year: np.ndarray) -> np.ndarray:
    return (np.int64(indicator_no) << (UNIT_BITS + YEAR_BITS)) + (np.asarray(unit_no, dtype=np.int64) << YEAR_BITS) + year


def indicator_no(cell_id: np.ndarray) -> np.ndarray:
    return cell_id >> (UNIT_BITS + YEAR_BITS)


def unit_no(cell_id: np.ndarray) -> np.ndarray:
    return (cell_id >> YEAR_BITS) & ((1 << UNIT_BITS) - 1)


def year(cell_id: np.ndarray) -> np.ndarray:
    return cell_id & ((1 << YEAR_BITS) - 1)


def lookup(numbers: np.ndarray, size: int, dtype=np.int64) -> np.ndarray:
    """A dense table from a number (0 to ``size`` - 1) to its position in ``numbers``; -1 for a
    number not among them. Indexing it maps many keys' parts at once, with no sort and no join."""
    table = np.full(size, -1, dtype=dtype)
    table[numbers] = np.arange(len(numbers))
    return table
