"""What sqlfluff's jinja templater sees of dbt's cross-database macros (the `dbt.` namespace) when it
lints the models without dbt: each renders the DuckDB SQL that dbt-duckdb renders."""


def any_value(expression: str) -> str:
    return f"arbitrary({expression})"
