"""Chinese names for audit actions. The log stores stable codes ("reporting.approved", "auth.login_failed"); the
auditor reads them in Chinese, built word by word so a new action of a known kind needs no new entry."""

from __future__ import annotations

WORDS = {
    # domains
    "account": "账号", "accounts": "账号", "assessment": "年终考核", "auth": "", "bulletin": "季度通报",
    "matching": "精准对接", "metrics": "指标", "notices": "通知", "password": "密码", "plan": "方案",
    "policy": "企业培育", "quality": "数据质量", "registry": "资源库", "reporting": "月度填报", "role": "角色",
    "supervision": "督办", "token": "接口令牌", "reauth": "验证本人密码",
    # objects
    "bonus": "加分", "channel": "渠道", "commendation": "表彰名单", "cultivation": "培育记录", "decision": "决定事项",
    "delivery": "通知发送", "docking": "对接", "draft": "草稿", "enterprise": "企业", "errors": "错误标注文件",
    "evidence": "佐证材料", "excel": "Excel 表", "framework": "考评框架", "meeting": "例会", "milestone": "工作节点",
    "minutes": "纪要", "notice": "通知", "order": "督办单", "period": "填报期", "scheme": "考核方案",
    "statistical": "统计", "talent": "人才", "team": "人才团队", "transfer": "成果转化", "value": "数据",
    "veto": "一票否决", "api": "（接口）",
    # verbs and outcomes
    "activate": "启用", "deactivate": "停用", "add": "添加", "added": "添加", "approved": "审核通过",
    "change": "修改", "closed": "关闭", "compute": "计算", "correct": "更正", "create": "新增", "created": "创建",
    "delete": "删除", "dismissed": "不予督办", "done": "完成", "download": "下载", "edit": "编辑",
    "export": "导出", "extract": "抽取", "failed": "失败", "grant": "授予", "import": "导入", "imported": "导入",
    "issue": "签发", "issued": "下发", "load": "载入", "login": "登录", "logout": "退出", "note": "备注",
    "open": "开放", "proposed": "建议督办", "publish": "公布", "remove": "删除", "removed": "删除",
    "reminder": "报送提醒", "reopened": "重新开放", "replied": "反馈", "reset": "重置", "returned": "退回",
    "revoke": "撤销", "rollover": "年度结转", "run": "检查", "save": "保存", "saved": "保存草稿", "sent": "发送成功",
    "stage": "阶段变更", "status": "状态变更", "submitted": "报送", "template": "模板下载", "undo": "撤销完成",
    "unmask": "查看明文", "update": "修改", "urging": "催办", "activate_plan": "启用", "reset_issued": "生成重置链接",
    "login_failed": "登录失败", "evidence_added": "上传佐证材料", "evidence_removed": "删除佐证材料",
    "unmask_export": "导出明文", "enter": "录入", "upload": "上传", "test": "测试发送", "queued": "提交后台",
    "conflict": "登记冲突（转科技局核对）", "conflict_resolved": "登记冲突处理完毕", "evidence_preview": "预览佐证材料",
}


def action_label(code: str) -> str:
    """"reporting.approved" → "月度填报 审核通过"; an action with an unknown word → "其他操作" (the code stays in the
    log and in the filter)."""
    parts = []
    for segment in (code or "").split("."):
        if segment in WORDS:
            parts.append(WORDS[segment])
            continue
        words = segment.split("_")
        if not all(w in WORDS for w in words):
            return "其他操作"
        parts.append("".join(WORDS[w] for w in words))
    return " ".join(p for p in parts if p) or "其他操作"


# The filter on the audit log: action codes start with these (the first segment), named as the auditor knows them.
DOMAINS = [
    ("auth.", "登录与退出"), ("password.", "密码"), ("account.", "账号"), ("role.", "角色"), ("token.", "接口令牌"),
    ("plan.", "方案"), ("reporting.", "月度填报"), ("supervision.", "督办"), ("notices.", "通知"),
    ("bulletin.", "季度通报"), ("assessment.", "年终考核"), ("registry.", "资源库"), ("metrics.", "指标"),
    ("quality.", "数据质量"), ("policy.", "企业培育"), ("matching.", "精准对接"), ("talent.", "人才明文查看"),
]
