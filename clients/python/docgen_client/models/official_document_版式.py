from enum import StrEnum


class OfficialDocument版式(StrEnum):
    信函 = "信函"
    文件 = "文件"

    def __str__(self) -> str:
        return str(self.value)
