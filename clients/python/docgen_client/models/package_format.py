from enum import StrEnum


class PackageFormat(StrEnum):
    PDF = "pdf"
    PDFA = "pdfa"
    ZIP = "zip"

    def __str__(self) -> str:
        return str(self.value)
