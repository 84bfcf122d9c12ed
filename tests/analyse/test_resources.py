"""Operations grouped into resources (analyse/resources.py): where each goes, and its name there,
from small specs written here; OpenAI's spec in full is tests/test_openai_package.py's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.analyse import analyse
from generator.config import Target
from generator.ir import Api
from generator.load import load_spec

JSON_OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}
LIST_OK = {
    "200": {
        "description": "a list",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"data": {"type": "array"}}}
            }
        },
    }
}


def api_of(tmp_path: Path, paths: dict[str, Any], **target: Any) -> Api:
    path = tmp_path / "api.json"
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    path.write_text(json.dumps(document))
    return analyse(load_spec(path), Target(package="pkg", **target))


def op(operation_id: str, responses: dict[str, Any] = JSON_OK, **more: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "responses": responses, **more}


def placed(api: Api) -> dict[str, str]:
    return {str(o.operation_id): o.client_method.dotted for o in api.operations}


def test_paths_nest_resources_and_verbs_name_the_methods(tmp_path: Path) -> None:
    paths = {
        "/files": {"get": op("listFiles", LIST_OK), "post": op("createFile")},
        "/files/{file_id}": {
            "parameters": [{"name": "file_id", "in": "path", "required": True}],
            "get": op("retrieveFile"),
            "delete": op("deleteFile"),
        },
        "/chat/completions": {"post": op("createChatCompletion")},
        "/chat/completions/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True}],
            "get": op("getChatCompletion"),
            "post": op("modifyChatCompletion"),
        },
        "/fine_tuning/jobs/{id}/checkpoints": {
            "parameters": [{"name": "id", "in": "path", "required": True}],
            "get": op("listFineTuningJobCheckpoints", LIST_OK),
        },
        "/batches/{id}/cancel": {
            "parameters": [{"name": "id", "in": "path", "required": True}],
            "post": op("cancelBatch"),
        },
    }
    assert placed(api_of(tmp_path, paths)) == {
        "listFiles": "files.list",
        "createFile": "files.create",
        "retrieveFile": "files.retrieve",
        "deleteFile": "files.delete",
        "createChatCompletion": "chat.completions.create",
        "getChatCompletion": "chat.completions.retrieve",  # `get` of an item: retrieve
        "modifyChatCompletion": "chat.completions.update",
        "listFineTuningJobCheckpoints": "fine_tuning.jobs.checkpoints.list",
        "cancelBatch": "batches.cancel",  # the last segment is the operation's verb: an action
    }


def test_what_every_path_starts_with_is_left_out(tmp_path: Path) -> None:
    """Up to the last shared parameter or version (our spec's tenant and release), and a shared
    literal with several resources under it; never a path's last literal segment."""
    prefix = "/tenant/{tenant}/release/{release}/openai-compatible/v1"
    ours = {prefix + "/chat/completions": {"post": op("createChatCompletion")}}
    assert placed(api_of(tmp_path, ours)) == {"createChatCompletion": "chat.completions.create"}
    umbrella = {"/api/users": {"get": op("listUsers")}, "/api/items": {"get": op("listItems")}}
    assert placed(api_of(tmp_path, umbrella)) == {
        "listUsers": "users.list",
        "listItems": "items.list",
    }
    one = {"/files/{id}": {"get": op("getFile")}}
    assert placed(api_of(tmp_path, one)) == {"getFile": "files.retrieve"}


def test_operations_that_share_a_verb_keep_the_words_that_tell_them_apart(tmp_path: Path) -> None:
    paths = {
        "/threads/runs": {"post": op("createThreadAndRun")},
        "/threads/{id}/runs": {
            "parameters": [{"name": "id", "in": "path", "required": True}],
            "post": op("createRun"),
        },
        "/responses": {"post": op("createResponse")},
        "/responses?beta=true": {"post": op("beta_createResponse")},
    }
    assert placed(api_of(tmp_path, paths)) == {
        "createThreadAndRun": "threads.runs.create_thread_and_run",
        "createRun": "threads.runs.create",
        "createResponse": "responses.create",
        "beta_createResponse": "responses.beta_create",
    }


def test_verbs_from_glued_or_trailing_words_or_the_http_method(tmp_path: Path) -> None:
    paths = {
        "/spend_limit": {
            "get": op("Getorganizationspendlimit"),
            "delete": op("Deleteorganizationspendlimit"),
        },
        "/admin_keys": {"get": op("admin-keys-list", LIST_OK), "post": op("admin-keys-create")},
        "/usage/costs": {"get": op("usage-costs", LIST_OK)},
        "/health": {"get": {"responses": JSON_OK}},  # no operationId at all
    }
    assert placed(api_of(tmp_path, paths)) == {
        "Getorganizationspendlimit": "spend_limit.retrieve",
        "Deleteorganizationspendlimit": "spend_limit.delete",
        "admin-keys-list": "admin_keys.list",
        "admin-keys-create": "admin_keys.create",
        "usage-costs": "usage.costs.list",
        "get_/health": "health.retrieve",
    }


def test_tags_flat_and_overrides(tmp_path: Path) -> None:
    paths = {
        "/threads": {"post": op("createThread", tags=["Assistants"])},
        "/assistants": {"post": op("createAssistant", tags=["Assistants"])},
        "/files": {"post": op("createFile", tags=["Files"])},
    }
    assert placed(api_of(tmp_path, paths, resource_grouping="tags")) == {
        "createThread": "assistants.create_thread",
        "createAssistant": "assistants.create",
        "createFile": "files.create",
    }
    assert placed(api_of(tmp_path, paths, resource_grouping="flat")) == {
        "createThread": "create_thread",
        "createAssistant": "create_assistant",
        "createFile": "create_file",
    }
    overrides = {"Assistants": "beta.assistants", "createFile": "uploads.send", "nothing": "x"}
    api = api_of(tmp_path, paths, resources=overrides)
    assert placed(api) == {
        "createThread": "beta.assistants.create_thread",
        "createAssistant": "beta.assistants.create",
        "createFile": "uploads.send",
    }
    assert any("'nothing' is neither an operationId nor a tag" in w for w in api.warnings)


def test_the_tree_has_a_class_and_module_per_resource(tmp_path: Path) -> None:
    paths = {
        "/chat/completions": {"post": op("createChatCompletion")},
        "/chat/completions/{id}/messages": {
            "parameters": [{"name": "id", "in": "path", "required": True}],
            "get": op("getChatCompletionMessages", LIST_OK),
        },
        "/stream": {"post": op("createStream")},  # `Stream` is a name resource modules import
    }
    api = api_of(tmp_path, paths)
    shape = {
        r.dotted: (r.class_name, r.module, [c.attribute for c in r.children])
        for r in api.root.walk()
    }
    assert shape == {
        "": ("Client", "", ["chat", "stream"]),
        "chat": ("Chat", "chat", ["completions"]),
        "chat.completions": ("ChatCompletions", "chat_completions", ["messages"]),
        "chat.completions.messages": ("ChatCompletionsMessages", "chat_completions_messages", []),
        "stream": ("Stream2", "stream", []),
    }
    messages = api.root.children[0].children[0].children[0]
    assert [o.client_method.name for o in messages.operations] == ["list"]


def test_members_of_the_client_and_of_resources_are_never_replaced(tmp_path: Path) -> None:
    paths = {
        "/close": {"post": op("close")},
        "/items/with_raw_response": {"post": op("with_raw_response")},
        "/items": {"get": op("listItems")},
    }
    assert placed(api_of(tmp_path, paths)) == {
        "close": "close_",
        "with_raw_response": "items.with_raw_response_",
        "listItems": "items.list",
    }
