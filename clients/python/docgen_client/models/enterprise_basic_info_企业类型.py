from enum import StrEnum


class EnterpriseBasicInfo企业类型(StrEnum):
    其他 = "其他"
    合资 = "合资"
    国有 = "国有"
    民营 = "民营"

    def __str__(self) -> str:
        return str(self.value)
