from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credit_change import CreditChange


T = TypeVar("T", bound="CreditHistoryInfo")


@_attrs_define
class CreditHistoryInfo:
    """
    Attributes:
        credits_ (list[CreditChange] | Unset): Detailed information for each unit Example: [{'id': 24409059381740548,
            'amount': -2}, {'id': 27297116883780870, 'amount': 0}].
        dst_actions (list[str] | str | Unset): The dst_actions of skin analysis: an array of strings, or (as the
            vendor's own example
            sends it) a string holding that array as JSON, e.g. "[ \\"hd_wrinkle\\", \\"hd_pore\\" ]".
            Both forms are valid; a client reads both as the same list and keeps the form sent.
             Example: [ "hd_wrinkle", "hd_pore", "hd_texture" ].
    """

    credits_: list[CreditChange] | Unset = UNSET
    dst_actions: list[str] | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        credits_: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.credits_, Unset):
            credits_ = []
            for credits_item_data in self.credits_:
                credits_item = credits_item_data.to_dict()
                credits_.append(credits_item)

        dst_actions: list[str] | str | Unset
        if isinstance(self.dst_actions, Unset):
            dst_actions = UNSET
        elif isinstance(self.dst_actions, list):
            dst_actions = self.dst_actions

        else:
            dst_actions = self.dst_actions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if dst_actions is not UNSET:
            field_dict["dst_actions"] = dst_actions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_change import CreditChange  # noqa: PLC0415

        d = dict(src_dict)
        _credits_ = d.pop("credits", UNSET)
        credits_: list[CreditChange] | Unset = UNSET
        if _credits_ is not UNSET:
            credits_ = []
            for credits_item_data in _credits_:
                credits_item = CreditChange.from_dict(credits_item_data)

                credits_.append(credits_item)

        def _parse_dst_actions(data: object) -> list[str] | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                dst_actions_type_0 = cast(list[str], data)

                return dst_actions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | str | Unset, data)

        dst_actions = _parse_dst_actions(d.pop("dst_actions", UNSET))

        credit_history_info = cls(
            credits_=credits_,
            dst_actions=dst_actions,
        )

        credit_history_info.additional_properties = d
        return credit_history_info

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
