"""The consoles every `docgen` command prints to.

Rich lays tables out for 80 columns when output is not a terminal and reads COLUMNS only once, when a
console is made; Chinese names then get cut in logs and pipes. These consoles read COLUMNS at each print
and use at least 160 columns when the output is not a terminal.
"""

from __future__ import annotations

import os

from rich.console import Console, ConsoleDimensions

PIPED_MIN_WIDTH = 160


class CliConsole(Console):
    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit():
            return ConsoleDimensions(int(columns), size.height)
        if not self.is_terminal:
            return ConsoleDimensions(max(size.width, PIPED_MIN_WIDTH), size.height)
        return size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


console = CliConsole()
err_console = CliConsole(stderr=True)
