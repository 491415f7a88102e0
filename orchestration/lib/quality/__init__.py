"""Great Expectations suites (``expectations/*.json``) validated on DataFrames."""
