from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.feature_cost_sku import FeatureCostSku


T = TypeVar("T", bound="FeatureCostResult")


@_attrs_define
class FeatureCostResult:
    """
    Attributes:
        skus (list[FeatureCostSku]): List of the SKUs
        next_token (None | str | Unset): Token to query next page; null when there are no more pages. Example: MjA.
    """

    skus: list[FeatureCostSku]
    next_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        skus = []
        for skus_item_data in self.skus:
            skus_item = skus_item_data.to_dict()
            skus.append(skus_item)

        next_token: None | str | Unset
        if isinstance(self.next_token, Unset):
            next_token = UNSET
        else:
            next_token = self.next_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "skus": skus,
            }
        )
        if next_token is not UNSET:
            field_dict["next_token"] = next_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feature_cost_sku import FeatureCostSku  # noqa: PLC0415

        d = dict(src_dict)
        skus = []
        _skus = d.pop("skus")
        for skus_item_data in _skus:
            skus_item = FeatureCostSku.from_dict(skus_item_data)

            skus.append(skus_item)

        def _parse_next_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_token = _parse_next_token(d.pop("next_token", UNSET))

        feature_cost_result = cls(
            skus=skus,
            next_token=next_token,
        )

        feature_cost_result.additional_properties = d
        return feature_cost_result

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
