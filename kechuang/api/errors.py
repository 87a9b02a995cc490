"""API errors in Chinese: validation messages per pydantic error type, and a JSON 500 in production."""

from __future__ import annotations

import logging

logger = logging.getLogger("kechuang.api")

PLACES = {"query": "查询参数", "path": "路径参数", "body": "请求体", "form": "表单", "header": "请求头",
          "cookie": "Cookie", "file": "文件"}
MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_type": "应为 YYYY-MM-DD 格式的日期",
    "datetime_parsing": "应为日期时间",
    "string_type": "应为文字",
    "string_too_long": "过长（最多 {max_length} 字）",
    "string_too_short": "过短（至少 {min_length} 字）",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "格式不正确",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
}


def chinese_errors(errors: list[dict]) -> list[dict]:
    """ninja's validation errors with the message in Chinese, naming the parameter and where it was sent."""
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        place = PLACES.get(loc[0], loc[0]) if loc else "参数"
        name = ".".join(loc[1:]) or place
        template = MESSAGES.get(error.get("type", ""), "格式不正确")
        try:
            reason = template.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError):
            reason = template
        out.append({"loc": error.get("loc", []), "type": error.get("type", ""), "msg": f"{place}“{name}”{reason}"})
    return out
