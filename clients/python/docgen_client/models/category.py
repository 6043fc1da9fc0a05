from enum import StrEnum


class Category(StrEnum):
    企业 = "企业"
    园区 = "园区"

    def __str__(self) -> str:
        return str(self.value)
