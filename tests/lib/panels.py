"""Small panels for the frontier tests."""

import pandas as pd


def long_panel(periods_of_columns: dict[str, list[list[float]]]) -> pd.DataFrame:
    """{column: [period 0 values by unit, period 1 values, ...]} -> long frame with unit, period."""
    first = next(iter(periods_of_columns.values()))
    rows = []
    for period in range(len(first)):
        for unit in range(len(first[period])):
            row = {"unit": f"dmu{unit + 1}", "period": period}
            row.update({column: float(values[period][unit]) for column, values in periods_of_columns.items()})
            rows.append(row)
    return pd.DataFrame(rows)


def pair(result: pd.DataFrame, period_from: int) -> pd.DataFrame:
    """The rows of the pair starting in period_from, indexed by unit."""
    return result[result["period_from"] == period_from].set_index("unit").sort_index()
