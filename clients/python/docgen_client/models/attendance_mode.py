from enum import StrEnum


class AttendanceMode(StrEnum):
    线上 = "线上"
    线下 = "线下"

    def __str__(self) -> str:
        return str(self.value)
