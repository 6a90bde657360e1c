"""A table model over a list of plain rows under fixed column titles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

ModelIndex = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    """Rows replaced whole by ``set_rows``; subclasses give ``TITLES`` and ``data``.

    Rows that have an ``id`` can be found again with ``position_of`` (to keep
    the selection across a reload).
    """

    TITLES: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, position: int) -> Any:
        return self._rows[position]

    def position_of(self, row_id: int) -> int | None:
        for position, row in enumerate(self._rows):
            if row.id == row_id:
                return position
        return None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.TITLES)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and (
            role == Qt.ItemDataRole.DisplayRole
        ):
            return self.TITLES[section]
        return None
