from enum import StrEnum


class DocumentFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"
    PDFA = "pdfa"
    XLSX = "xlsx"

    def __str__(self) -> str:
        return str(self.value)
