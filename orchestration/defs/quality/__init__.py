"""Great Expectations suites as blocking asset checks, and the quality gate before publication."""
