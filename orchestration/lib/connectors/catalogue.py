"""Every source the pipeline ingests; each becomes one ingest asset (``<name>_raw``)."""

from functools import cache

from .gapminder import Gapminder
from .pwt import PennWorldTable
from .source import Source
from .statistical import catalog as statistical_tables
from .wdi.source import WorldDevelopmentIndicators


@cache
def sources() -> dict[str, Source]:
    listed = [PennWorldTable(), WorldDevelopmentIndicators(), Gapminder(), *statistical_tables().values()]
    return {source.name: source for source in listed}


def raw_tables() -> dict[str, str]:
    """Asset key -> warehouse relation of every raw table."""
    return {table.asset: table.table for source in sources().values() for table in source.tables}


def raw_table_sources() -> dict[str, str]:
    """Asset key -> name of the source that lands it."""
    return {table.asset: source.name for source in sources().values() for table in source.tables}
