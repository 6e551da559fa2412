"""Provincial-level divisions (GB/T 2260 first two digits) with the one-character
abbreviation used in licence numbers (REGULATION.md §1.4). Pure data, no Django."""

from typing import NamedTuple


class Province(NamedTuple):
    code: str
    abbr: str
    name_zh: str
    name_en: str


PROVINCES: tuple[Province, ...] = (
    Province("11", "京", "北京市", "Beijing"),
    Province("12", "津", "天津市", "Tianjin"),
    Province("13", "冀", "河北省", "Hebei"),
    Province("14", "晋", "山西省", "Shanxi"),
    Province("15", "蒙", "内蒙古自治区", "Inner Mongolia"),
    Province("21", "辽", "辽宁省", "Liaoning"),
    Province("22", "吉", "吉林省", "Jilin"),
    Province("23", "黑", "黑龙江省", "Heilongjiang"),
    Province("31", "沪", "上海市", "Shanghai"),
    Province("32", "苏", "江苏省", "Jiangsu"),
    Province("33", "浙", "浙江省", "Zhejiang"),
    Province("34", "皖", "安徽省", "Anhui"),
    Province("35", "闽", "福建省", "Fujian"),
    Province("36", "赣", "江西省", "Jiangxi"),
    Province("37", "鲁", "山东省", "Shandong"),
    Province("41", "豫", "河南省", "Henan"),
    Province("42", "鄂", "湖北省", "Hubei"),
    Province("43", "湘", "湖南省", "Hunan"),
    Province("44", "粤", "广东省", "Guangdong"),
    Province("45", "桂", "广西壮族自治区", "Guangxi"),
    Province("46", "琼", "海南省", "Hainan"),
    Province("50", "渝", "重庆市", "Chongqing"),
    Province("51", "川", "四川省", "Sichuan"),
    Province("52", "黔", "贵州省", "Guizhou"),
    Province("53", "滇", "云南省", "Yunnan"),
    Province("54", "藏", "西藏自治区", "Tibet"),
    Province("61", "陕", "陕西省", "Shaanxi"),
    Province("62", "甘", "甘肃省", "Gansu"),
    Province("63", "青", "青海省", "Qinghai"),
    Province("64", "宁", "宁夏回族自治区", "Ningxia"),
    Province("65", "新", "新疆维吾尔自治区", "Xinjiang"),
)

BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}
BY_ABBR: dict[str, Province] = {p.abbr: p for p in PROVINCES}
CHOICES: list[tuple[str, str]] = [(p.code, f"{p.name_zh} {p.name_en}") for p in PROVINCES]
