"""The API's one error contract, declared in the OpenAPI document for every operation.

Every failure leaves through the handlers in config/api.py as `{"code", "message", "fields"}`;
the spec says so for each operation (400 invalid input, 401 not logged in, 403 refused, 404 not
found or out of scope, 409 state conflict), so generated clients and fuzzers know the shape.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from .api_schemas import ErrorOut

ERROR_SCHEMA_NAME = "ErrorOut"

ERROR_DESCRIPTIONS = {
    "400": "请求参数有误：code 给出错误类别，fields 指明出错字段",
    "401": "未登录或 API 令牌无效",
    "403": "无权执行此操作",
    "404": "对象不存在或不在本用户的管辖范围内",
    "409": "对象当前状态不允许此操作（例如已被他人处理）",
}


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Give every operation the 4xx responses of the error contract, unless it names its own."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_SCHEMA_NAME, ErrorOut.model_json_schema())
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_DESCRIPTIONS.items():
                if status in responses or int(status) in responses:
                    continue
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": ref}},
                }
    return schema


class ContractNinjaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares the error contract on every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return add_error_responses(super().get_openapi_schema(*args, **kwargs))
