"""Ingest assets: one per source of the connector catalogue."""
