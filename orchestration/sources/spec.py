"""A file-shaped public source: one table, an official URL, a path in the mirror, a schema."""

from dataclasses import dataclass

from .tables import TableSchema


@dataclass(frozen=True)
class FileSource:
    name: str  # short id used in asset keys, snapshots and messages ("pwt")
    title: str
    url: str  # official download, used online
    mirror_path: str  # relative to the mirror folder, used offline
    schema: TableSchema
    citation: str
    licence: str

    @property
    def warehouse_table(self) -> str:
        return f"raw.{self.name}"
