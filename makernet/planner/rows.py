"""The planner's programme as HiGHS holds it: rows added empty with their bounds, columns with their entries, and
running totals (a row per due day, each total carried into the next), which the programme builds its rows of."""
from __future__ import annotations

import highspy
import numpy as np
from scipy.sparse import coo_matrix

INFINITY = highspy.kHighsInf


class QuietHighs(highspy.Highs):
    """HiGHS as the planner drives it: silent. The wrapper's interrupt callbacks are left out: setting them
    up prints the solver's banner on the process's console, and a plan is never interrupted."""

    def __init__(self) -> None:
        super(highspy.Highs, self).__init__()
        self.setOptionValue("output_flag", False)


class Rows:
    """Rows and columns added to a HiGHS model as the programme grows (`highs`, and `rows` counted)."""

    highs: highspy.Highs
    rows: int

    def _rows(self, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """Empty rows with these bounds; their indices."""
        count = len(upper)
        self.highs.addRows(count, lower.astype(float), upper.astype(float), 0, np.zeros(0, dtype=np.int32),
                           np.zeros(0, dtype=np.int32), np.zeros(0))
        first = self.rows
        self.rows += count
        return np.arange(first, first + count)

    def _running(self, rows: np.ndarray, total: int | None, upper: np.ndarray) -> None:
        """Running totals, one per row of `rows` (equal to 0), within `upper`: c[j] enters row j with +1 and
        row j + 1 with -1 (the work due that day enters it with -1), the last one also counts in the total row
        (if there is one)."""
        k = np.arange(len(rows))
        ends = np.array([] if total is None else [total], dtype=np.int64)
        self._columns(np.zeros(len(rows)), upper.astype(float), np.concatenate([rows, rows[1:], ends]),
                      np.concatenate([k, k[:-1], np.full(len(ends), len(rows) - 1)]),
                      np.concatenate([np.ones(len(k)), -np.ones(len(k) - 1), np.ones(len(ends))]))

    def _columns(self, cost: np.ndarray, upper: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                 values: np.ndarray) -> np.ndarray:
        """New columns (entries given by local column number); their indices."""
        count = len(cost)
        matrix = coo_matrix((values, (rows, cols)), shape=(self.rows, count)).tocsc()
        self.highs.addCols(count, cost.astype(float), np.zeros(count), upper.astype(float), matrix.nnz,
                           matrix.indptr[:-1].astype(np.int32), matrix.indices.astype(np.int32),
                           matrix.data.astype(float))
        first = int(self.highs.getNumCol()) - count
        return np.arange(first, first + count)
