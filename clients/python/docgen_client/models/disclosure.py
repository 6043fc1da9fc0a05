from enum import StrEnum


class Disclosure(StrEnum):
    不予公开 = "不予公开"
    主动公开 = "主动公开"
    依申请公开 = "依申请公开"

    def __str__(self) -> str:
        return str(self.value)
