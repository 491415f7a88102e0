"""The full-refresh job, its nightly schedule and the run-failure sensor."""
