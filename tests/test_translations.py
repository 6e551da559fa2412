"""zh-Hans is the portal's default language: the messages added with the kernel's hardening,
inspections and complaints read in Chinese, and a licence "withdrawn" (撤销, the grant undone)
is not an application "withdrawn" by the applicant (撤回)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from inspections.models import (
    CampaignKind,
    CampaignStatus,
    ConflictKind,
    InspectionStatus,
    Method,
    Outcome,
    Severity,
)
from licensing.models import AppStatus, LicenceStatus


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Invalid characters in the request.", "请求中含有无效字符。"),  # regulator (abuse resistance)
        ("Your role may not do this.", "您的角色无权执行此操作。"),  # regulator (scoping)
        ("The file is a program or script.", "该文件是程序或脚本。"),  # regulator (uploads)
        (
            "Freeze the frame and publish its hash before entering the seed.",
            "请先冻结名录并公布其哈希值，再输入随机种子。",
        ),
        ("Timely handling rate", "及时处理率"),  # complaints
        ("Your enterprise is put on the dishonest list", "贵企业被列入失信名单"),  # licensing
    ],
)
def test_messages_read_in_chinese(english, chinese):
    with translation.override("zh-hans"):
        assert gettext(english) == chinese


def test_licence_withdrawal_is_not_an_application_withdrawal():
    with translation.override("zh-hans"):
        assert str(LicenceStatus.WITHDRAWN.label) == "已撤销"
        assert str(AppStatus.WITHDRAWN.label) == "已撤回"


@pytest.mark.parametrize(
    "choices", [Method, ConflictKind, CampaignKind, CampaignStatus, InspectionStatus, Outcome, Severity]
)
def test_inspection_choices_are_translated(choices):
    with translation.override("en"):
        english = [str(label) for label in choices.labels]
    with translation.override("zh-hans"):
        chinese = [str(label) for label in choices.labels]
    assert [e for e, c in zip(english, chinese, strict=True) if e == c] == []
