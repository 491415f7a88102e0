"""Plain libraries of the pipeline: connectors, warehouse, publishing, quality suites, settings.

Nothing under ``lib`` imports Dagster: connectors raise their own errors and the Dagster
definitions (``orchestration.defs``) turn them into step failures.
"""
