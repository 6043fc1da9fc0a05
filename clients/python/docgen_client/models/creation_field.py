from enum import StrEnum


class CreationField(StrEnum):
    人工智能 = "人工智能"
    低空装备 = "低空装备"
    商业航天 = "商业航天"
    安全应急装备 = "安全应急装备"
    新型储能制造 = "新型储能制造"
    智能机器人 = "智能机器人"
    智能网联新能源汽车 = "智能网联新能源汽车"
    清洁低碳氢 = "清洁低碳氢"
    生物制造 = "生物制造"
    软件 = "软件"

    def __str__(self) -> str:
        return str(self.value)
