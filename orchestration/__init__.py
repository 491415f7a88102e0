"""nqpf: the Dagster code location of the new-quality-productive-forces pipeline."""
