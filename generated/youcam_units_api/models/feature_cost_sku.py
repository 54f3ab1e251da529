from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.known_feature_cost_unit import KnownFeatureCostUnit
from ..types import UNSET, Unset

T = TypeVar("T", bound="FeatureCostSku")


@_attrs_define
class FeatureCostSku:
    """
    Attributes:
        description (str | Unset): Description of the SKU Example: AI Skin Analysis for SD 1~4 concerns.
        amount (float | Unset): Units consumed per `proc_unit` Example: 9.
        unit (KnownFeatureCostUnit | str | Unset): Measurement unit of the cost. An open enum: one of the documented
            values below, or
            another string, so that a unit the vendor adds later does not break the client.
        proc_unit (int | Unset): Number of `unit`s included in one charge of `amount` Example: 1.
        run_task_url (str | Unset): Full URL of the task endpoint that consumes this SKU Example: https://yce-
            api-01.makeupar.com/s2s/v2.0/task/skin-analysis.
    """

    description: str | Unset = UNSET
    amount: float | Unset = UNSET
    unit: KnownFeatureCostUnit | str | Unset = UNSET
    proc_unit: int | Unset = UNSET
    run_task_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        amount = self.amount

        unit: str | Unset
        if isinstance(self.unit, Unset):
            unit = UNSET
        elif isinstance(self.unit, KnownFeatureCostUnit):
            unit = self.unit.value
        else:
            unit = self.unit

        proc_unit = self.proc_unit

        run_task_url = self.run_task_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if amount is not UNSET:
            field_dict["amount"] = amount
        if unit is not UNSET:
            field_dict["unit"] = unit
        if proc_unit is not UNSET:
            field_dict["proc_unit"] = proc_unit
        if run_task_url is not UNSET:
            field_dict["run_task_url"] = run_task_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description", UNSET)

        amount = d.pop("amount", UNSET)

        def _parse_unit(data: object) -> KnownFeatureCostUnit | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_feature_cost_unit_type_0 = KnownFeatureCostUnit(data)

                return componentsschemas_feature_cost_unit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KnownFeatureCostUnit | str | Unset, data)

        unit = _parse_unit(d.pop("unit", UNSET))

        proc_unit = d.pop("proc_unit", UNSET)

        run_task_url = d.pop("run_task_url", UNSET)

        feature_cost_sku = cls(
            description=description,
            amount=amount,
            unit=unit,
            proc_unit=proc_unit,
            run_task_url=run_task_url,
        )

        feature_cost_sku.additional_properties = d
        return feature_cost_sku

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
