"""The 2015 telecom services classification (电信业务分类目录, REGULATION.md §1.8). Pure data.

(code, Chinese name, English name, kind). Issuer and thresholds are rules, not data here:
basic services go to MIIT; value-added ones to MIIT when coverage spans two or more
provinces, otherwise to the provincial administration (§1.1).
"""

CATALOGUE: tuple[tuple[str, str, str, str], ...] = (
    ("A11", "固定通信业务", "Fixed communications", "basic"),
    ("A12", "蜂窝移动通信业务", "Cellular mobile communications", "basic"),
    ("A13", "第一类卫星通信业务", "Category-1 satellite communications", "basic"),
    ("A14", "第一类数据通信业务", "Category-1 data communications", "basic"),
    ("A21", "集群通信业务", "Trunked communications", "basic"),
    ("A22", "无线寻呼业务", "Radio paging", "basic"),
    ("A23", "第二类卫星通信业务", "Category-2 satellite communications", "basic"),
    ("A24", "第二类数据通信业务", "Category-2 data communications", "basic"),
    ("A25", "网络接入设施服务业务", "Network access facility services", "basic"),
    ("A26", "国内通信设施服务业务", "Domestic communications facility services", "basic"),
    ("A27", "网络托管业务", "Network hosting", "basic"),
    ("B11", "互联网数据中心业务", "Internet data centre (IDC)", "value_added"),
    ("B12", "内容分发网络业务", "Content delivery network (CDN)", "value_added"),
    ("B13", "国内互联网虚拟专用网业务", "Domestic Internet VPN (IP-VPN)", "value_added"),
    ("B14", "互联网接入服务业务", "Internet access (ISP)", "value_added"),
    ("B21", "在线数据处理与交易处理业务", "Online data and transaction processing (EDI)", "value_added"),
    ("B22", "国内多方通信服务业务", "Domestic multi-party communications", "value_added"),
    ("B23", "存储转发类业务", "Store-and-forward services", "value_added"),
    ("B24", "呼叫中心业务", "Call centre", "value_added"),
    ("B25", "信息服务业务", "Information services (ICP, SP)", "value_added"),
    ("B26", "编码和规程转换业务", "Code and protocol conversion", "value_added"),
)

DEFAULT_CONDITIONS_STATEMENT = """告知承诺审批条件说明（第1版）/ Notify-and-commit conditions statement (version 1)

一、许可条件：申请人为依法设立的公司；注册资本达到所申请业务的最低要求；有与业务相适应的专业人员、场地和设施；有健全的网络与信息安全保障措施；申请人及其主要投资者和主要经营管理人员未被列入电信业务经营失信名单。
二、申请材料：营业执照、股权结构、人员与场地说明、网络与信息安全保障措施、业务发展及实施计划。
三、监管规则：许可证颁发后60日内进行核查；发现不符合承诺的，责令30日内整改。
四、违反承诺的后果：承诺不实的，撤销许可证，列入电信业务经营失信名单，一年内不得再次申请。

1. Conditions: a lawfully established company; registered capital at the minimum for the services applied for; staff, premises and facilities fit for the services; sound network and information security measures; the applicant, its main investors and managers are not on the dishonest list.
2. Materials: business licence, shareholding, staff and premises, security measures, business plan.
3. Supervision: a post-issuance check within 60 days; a finding that the commitment is not met leads to an order to rectify within 30 days.
4. Breach: a false commitment means the licence is revoked, the enterprise is put on the dishonest list and may not apply again for one year.
"""
