"""Pure-Python libraries of nqpf: no Dagster, dbt or DuckDB, so dbt Python models and assets can both call them."""
