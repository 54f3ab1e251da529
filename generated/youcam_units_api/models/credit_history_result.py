from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credit_history_entry import CreditHistoryEntry


T = TypeVar("T", bound="CreditHistoryResult")


@_attrs_define
class CreditHistoryResult:
    """
    Attributes:
        next_token (None | str | Unset): Token to query next page. Null, absent or empty on the last page: the
            endpoint's page
            does not say how the last page is marked, a sibling endpoint documents null.
             Example: 13045969587275114.
        history (list[CreditHistoryEntry] | Unset):
    """

    next_token: None | str | Unset = UNSET
    history: list[CreditHistoryEntry] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        next_token: None | str | Unset
        if isinstance(self.next_token, Unset):
            next_token = UNSET
        else:
            next_token = self.next_token

        history: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.history, Unset):
            history = []
            for history_item_data in self.history:
                history_item = history_item_data.to_dict()
                history.append(history_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if next_token is not UNSET:
            field_dict["next_token"] = next_token
        if history is not UNSET:
            field_dict["history"] = history

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_history_entry import CreditHistoryEntry  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_next_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_token = _parse_next_token(d.pop("next_token", UNSET))

        _history = d.pop("history", UNSET)
        history: list[CreditHistoryEntry] | Unset = UNSET
        if _history is not UNSET:
            history = []
            for history_item_data in _history:
                history_item = CreditHistoryEntry.from_dict(history_item_data)

                history.append(history_item)

        credit_history_result = cls(
            next_token=next_token,
            history=history,
        )

        credit_history_result.additional_properties = d
        return credit_history_result

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
