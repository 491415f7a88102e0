"""The runs' console log: Dagster's own format, without the stack traces unless asked for.

A failed step's event carries a ~100-line Dagster stack trace; on the console it buried the one
line that says what went wrong. Here a failure shows its message and the chain of causes
(class and message), and the traces stay in the run's event log (the UI) and the failure record.
``tracebacks: true`` (``nqpf refresh --verbose``) prints them as Dagster does.
"""

import logging
import sys

from dagster import Field, InitLoggerContext, logger
from dagster._utils.log import default_date_format_string, default_format_string

TRACE_MARKERS = ("\nStack Trace:\n", "\nThe above exception was caused by the following exception:\n")


def without_traces(message: str) -> str:
    """The message with each stack trace cut out: what failed, and what caused it, in words."""
    kept, rest = [], message
    while True:
        cut = rest.find(TRACE_MARKERS[0])
        if cut < 0:
            kept.append(rest)
            break
        kept.append(rest[:cut])
        cause = rest.find(TRACE_MARKERS[1], cut)
        if cause < 0:
            break
        rest = "caused by: " + rest[cause + len(TRACE_MARKERS[1]) :]
    return "\n".join(part.strip("\n") for part in kept if part.strip())


class ConciseFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return without_traces(text)


@logger(
    {
        "log_level": Field(str, is_required=False, default_value="INFO", description="The logger's threshold."),
        "tracebacks": Field(bool, is_required=False, default_value=False, description="Print stack traces too."),
    },
    description="Dagster's console log; stack traces only with tracebacks: true (nqpf refresh --verbose).",
)
def concise_console(init_context: InitLoggerContext) -> logging.Logger:
    config = init_context.logger_config
    log = logging.Logger("dagster", level=config["log_level"])
    handler = logging.StreamHandler(sys.stderr)
    formatter_class = logging.Formatter if config["tracebacks"] else ConciseFormatter
    handler.setFormatter(formatter_class(default_format_string(), default_date_format_string()))
    log.addHandler(handler)
    return log
