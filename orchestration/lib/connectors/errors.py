"""Errors a connector raises; each message names the source and, where known, file, column and row."""


class SourceError(Exception):
    """Base class: something about a source stops the run before anything lands."""


class ConfigurationError(SourceError):
    """The pipeline's own configuration (a seed, the catalogue) cannot be used as it is."""


class SourceUnavailableError(SourceError):
    """Neither the configured endpoint nor the mirror could deliver the file."""


class SourceSchemaError(SourceError):
    """The file was read but does not have the shape the pipeline relies on."""

    def __init__(self, source: str, file: str, problem: str, column: str | None = None, row: str | None = None):
        self.source, self.file, self.column, self.row, self.problem = source, file, column, row, problem
        self.snapshot = None  # the rejected file's snapshot, once it is kept (landing.parse_or_reject)
        where = [f"file {file}"]
        if column is not None:
            where.append(f"column {column!r}")
        if row is not None:
            where.append(row)
        super().__init__(f"{source}: {', '.join(where)}: {problem}")
