from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Digitalisation")


@_attrs_define
class Digitalisation:
    """主导产业数字化发展水平（智能工厂）。

    Attributes:
        advanced_factories (int):
        basic_factories (int):
        excellent_factories (int):
        pilot_factories (int):
        smart_factory_share (float):
        weighted_factories (float):
    """

    advanced_factories: int
    basic_factories: int
    excellent_factories: int
    pilot_factories: int
    smart_factory_share: float
    weighted_factories: float

    def to_dict(self) -> dict[str, Any]:
        advanced_factories = self.advanced_factories

        basic_factories = self.basic_factories

        excellent_factories = self.excellent_factories

        pilot_factories = self.pilot_factories

        smart_factory_share = self.smart_factory_share

        weighted_factories = self.weighted_factories

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "advanced_factories": advanced_factories,
                "basic_factories": basic_factories,
                "excellent_factories": excellent_factories,
                "pilot_factories": pilot_factories,
                "smart_factory_share": smart_factory_share,
                "weighted_factories": weighted_factories,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        advanced_factories = d.pop("advanced_factories")

        basic_factories = d.pop("basic_factories")

        excellent_factories = d.pop("excellent_factories")

        pilot_factories = d.pop("pilot_factories")

        smart_factory_share = d.pop("smart_factory_share")

        weighted_factories = d.pop("weighted_factories")

        digitalisation = cls(
            advanced_factories=advanced_factories,
            basic_factories=basic_factories,
            excellent_factories=excellent_factories,
            pilot_factories=pilot_factories,
            smart_factory_share=smart_factory_share,
            weighted_factories=weighted_factories,
        )

        return digitalisation
