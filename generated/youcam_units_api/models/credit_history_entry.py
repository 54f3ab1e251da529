from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.known_credit_action import KnownCreditAction
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credit_history_info import CreditHistoryInfo


T = TypeVar("T", bound="CreditHistoryEntry")


@_attrs_define
class CreditHistoryEntry:
    """
    Attributes:
        id (int | Unset): Unique identifier of the history Example: 38173479337460984.
        timestamp (int | Unset): Unix timestamp of the history (ms) Example: 1703146067000.
        action (KnownCreditAction | str | Unset): Action of this history. An open enum: any of the v1.9 values below, or
            another string.
            The service keeps adding features (skin analysis, whose entries carry dst_actions, is
            not in the v1.9 list), and a client that rejected an unknown value would break on the
            day the vendor ships one.
        target_id (str | Unset): Id of the target for this unit. For example, when running AI Photo Enhance task,
            target_id for this history will be task_id of the AI Photo Enhance task. When
            purchasing unit, the target_id for this history will be order_id
             Example: 7TWFkuE2Z9uR0NOxSmQ1rh4PJ5Zx7YJ5U9SAz51q0QHVwMP+Jb1XbjPsf7ZgUgLY.
        info (CreditHistoryInfo | Unset):
    """

    id: int | Unset = UNSET
    timestamp: int | Unset = UNSET
    action: KnownCreditAction | str | Unset = UNSET
    target_id: str | Unset = UNSET
    info: CreditHistoryInfo | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        timestamp = self.timestamp

        action: str | Unset
        if isinstance(self.action, Unset):
            action = UNSET
        elif isinstance(self.action, KnownCreditAction):
            action = self.action.value
        else:
            action = self.action

        target_id = self.target_id

        info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.info, Unset):
            info = self.info.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if action is not UNSET:
            field_dict["action"] = action
        if target_id is not UNSET:
            field_dict["target_id"] = target_id
        if info is not UNSET:
            field_dict["info"] = info

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_history_info import CreditHistoryInfo  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        def _parse_action(data: object) -> KnownCreditAction | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_credit_action_type_0 = KnownCreditAction(data)

                return componentsschemas_credit_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KnownCreditAction | str | Unset, data)

        action = _parse_action(d.pop("action", UNSET))

        target_id = d.pop("target_id", UNSET)

        _info = d.pop("info", UNSET)
        info: CreditHistoryInfo | Unset
        if isinstance(_info, Unset):
            info = UNSET
        else:
            info = CreditHistoryInfo.from_dict(_info)

        credit_history_entry = cls(
            id=id,
            timestamp=timestamp,
            action=action,
            target_id=target_id,
            info=info,
        )

        credit_history_entry.additional_properties = d
        return credit_history_entry

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
