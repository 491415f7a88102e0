"""Connectors: fetch public tables (online or from a mirror), snapshot them, parse them."""
