"""Plain-language summaries of failed runs, for the shell (cli) and the failure log (sensor)."""


def error_text(error) -> str:
    """The message of a step error without its class path ("dagster...Failure: ...")."""
    if error is None:
        return "failed"
    message = error.message.strip()
    head, _, rest = message.partition(": ")
    return rest if head.endswith(error.cls_name) else message


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
            lines.append(f"warning {name}: not met" if warning else f"check {name} failed")
    return lines
