"""What an import reports: every error located by sheet, row as Excel shows it, column letter and header, with the
value and a Chinese reason; the counts; the preview; plausibility warnings row by row."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_ERRORS = 500  # listed; the total is always counted


class ImportRefused(Exception):
    """The file as a whole cannot be read (not xlsx, hostile, too large)."""


@dataclass
class CellError:
    sheet: str
    row: int | None
    column: str  # letter
    header: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"“{self.sheet}”工作表"
        if self.row:
            where += f" 第{self.row}行"
        if self.column:
            where += f" {self.column}列"
        if self.header:
            where += f"（{self.header}）"
        value = f"（值：{self.value}）" if self.value not in ("", None) else ""
        return f"{where}：{self.reason}{value}"

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value,
            "reason": self.reason,
            "text": str(self),
        }


@dataclass
class ImportResult:
    registry: str
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    sheet: str = ""  # the worksheet the rows were read from
    row_warnings: list[CellError] = field(default_factory=list)  # plausibility warnings, row by row
    row_warning_count: int = 0
    # Records outside the user's sight whose key a row used (filed for the office, never shown to the user).
    conflicts: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, *args) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CellError(*args))

    def refuse(self, reason: str, value: str = "") -> None:
        """An error about the whole file (no sheet, row or column)."""
        self.add_error("", None, "", "", value, reason)

    def add_row_warning(self, *args) -> None:
        self.row_warning_count += 1
        if len(self.row_warnings) < MAX_ERRORS:
            self.row_warnings.append(CellError(*args))

    def summary(self) -> dict:
        return {
            "sheet": self.sheet,
            "row_warning_count": self.row_warning_count,
            "total_rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "committed": self.committed,
            "error_count": self.error_count,
        }
