"""The decision after ingest: is there anything new to build and publish?

``refresh_inputs`` fingerprints what the run has just landed together with the seeds, the dbt
project, the code and the run's settings (lib/inputs.py). When that equals the fingerprint of
the current publication, and the warehouse still holds what was published, a rebuild would
publish the same tables: the asset yields nothing, so Dagster skips dbt, the checks and the
publication, and the current version's manifest gains a ``confirmed_at`` timestamp instead.
"""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, AssetObservation, Config, MaterializeResult, MetadataValue, asset
from pydantic import Field

from ...lib.inputs import REFRESH_INPUTS, current_inputs, differences, warehouse_published_from
from ...lib.publishing import confirm, latest_manifest, latest_version
from ..resources import DataDirResource, RefreshLockResource

OUTCOME_TAG = "nqpf/outcome"  # "unchanged" on a run that confirmed the current version, "published" otherwise
VERSION_TAG = "nqpf/version"


class RefreshInputsConfig(Config):
    force: bool = Field(default=False, description="Rebuild and publish even when nothing changed since the current publication")


def build_refresh_inputs_asset(raw_assets: list[AssetKey]):
    @asset(
        name=REFRESH_INPUTS,
        group_name="ingest",
        deps=raw_assets,
        output_required=False,
        kinds={"python"},
        description=(
            "Fingerprint of every source snapshot, the seeds, the dbt project, the code and the run's "
            "settings. Equal to the current publication's: the run confirms that version (its manifest "
            "gains a `confirmed_at` timestamp) and dbt, the checks and publishing are skipped. Set "
            "`force: true` to rebuild anyway."
        ),
    )
    def refresh_inputs(
        context: AssetExecutionContext,
        config: RefreshInputsConfig,
        data_dir: DataDirResource,
        refresh_lock: RefreshLockResource,  # held for the whole run (one refresh per data folder)
    ) -> Iterator:
        paths = data_dir.paths
        current = current_inputs(paths, context.run.run_config)
        latest = latest_version(paths.publish)
        published = (latest_manifest(paths.publish) or {}).get("inputs")
        changed = differences(published, current)
        if not changed and warehouse_published_from(paths) != current["fingerprint"]:
            changed = ["the warehouse was rebuilt since the last publication (a run failed after dbt)"]
        metadata = {"fingerprint": current["fingerprint"], "changed": MetadataValue.json(changed)}
        if not changed and not config.force:
            confirmed_at = confirm(latest)
            context.instance.add_run_tags(context.run_id, {OUTCOME_TAG: "unchanged", VERSION_TAG: latest.name})
            context.log.info(f"nothing changed since {latest.name}: confirmed at {confirmed_at}; no new version")
            yield AssetObservation(
                asset_key=context.asset_key,
                metadata={**metadata, "outcome": "unchanged", "version": latest.name, "confirmed_at": confirmed_at},
            )
            return
        reason = "forced" if not changed else "changed: " + ", ".join(changed)
        context.log.info(f"rebuilding ({reason})")
        yield MaterializeResult(metadata={**metadata, "outcome": "forced" if not changed else "changed"})

    return refresh_inputs
