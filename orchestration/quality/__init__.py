"""The quality gate: Great Expectations suites as blocking Dagster asset checks."""
