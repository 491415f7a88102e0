"""Plain-language summaries of failed runs, for the shell (cli) and the failure log (sensor)."""

import json

GENERIC_STEP_ERROR = "Error occurred while executing"  # Dagster's wrapper around an op's own exception


def error_text(error) -> str:
    """The message of a step error without its class path ("dagster...Failure: ..."). When Dagster
    only wraps an op's exception ("Error occurred while executing op ..."), the root cause speaks:
    its class and message."""
    if error is None:
        return "failed"
    message = error.message.strip()
    head, _, rest = message.partition(": ")
    text = rest if head.endswith(error.cls_name) else message
    if text.startswith(GENERIC_STEP_ERROR) and error.cause is not None:
        return root_cause(error.cause)
    return text


def root_cause(error) -> str:
    """The innermost exception of a chain, as ``Class: message`` (first line of the message only)."""
    while error.cause is not None:
        error = error.cause
    message = error.message.strip()
    head, _, rest = message.partition(": ")
    text = (rest if head.endswith(error.cls_name) else message).splitlines()[0] if message else ""
    return f"{error.cls_name}: {text}" if text else error.cls_name


def check_failure(evaluation) -> str:
    """A failed check in one line; a GX suite says which expectations failed, on what, with a few rows."""
    name = f"{evaluation.asset_key.to_user_string()} / {evaluation.check_name}"
    failed = evaluation.metadata.get("failed_expectations")
    if failed is None:
        return f"check {name} failed"
    parts = []
    for f in failed.value:
        on = f" on column {f['column']}" if f.get("column") else ""
        rows = "; ".join(_text(row) for row in f["rows"])
        parts.append(
            f"{f['expectation']}{on}: observed {_text(f['observed'])}, expected {_text(f['expected'])}"
            + (f"; rows: {rows}" if rows else "")
        )
    return f"check {name} failed: " + " | ".join(parts)


def _text(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def failure_summary(events) -> list[str]:
    """What failed, from a run's events: failed steps with their message, then failed checks."""
    lines = []
    for event in events:
        if event.is_step_failure:
            lines.append(f"step {event.step_key}: {error_text(event.event_specific_data.error)}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed:
            evaluation = event.event_specific_data
            name = f"{evaluation.asset_key.to_user_string()} / {evaluation.check_name}"
            # a warning check (the statistical audit's flags) never stops a run: said as a warning
            warning = evaluation.severity.value == "WARN"
            lines.append(f"warning {name}: not met" if warning else check_failure(evaluation))
    return lines
