"""What a model may say: the reply schema, its cleaning, and its size cap."""

from __future__ import annotations

import json

import pytest
from ollama_stub import valid_reply
from pydantic import ValidationError

from unifer_tray.describe.reply import MAX_REPLY_BYTES, ReplyTooLarge, parse_reply


def test_a_valid_reply_is_kept():
    reply = parse_reply(valid_reply(2))
    assert [face.face for face in reply.faces] == [1, 2] and reply.faces[0].expression == "happiness"


def test_links_markup_and_control_characters_are_cleaned_out():
    document = json.loads(valid_reply(1))
    document["summary"] = "A smile **now** <b>see</b> [here](http://example.invalid) www.example.invalid\u202e"
    reply = parse_reply(json.dumps(document))
    assert "http" not in reply.summary and "<b>" not in reply.summary and "**" not in reply.summary
    assert "www." not in reply.summary and "\u202e" not in reply.summary and "smile" in reply.summary


def test_oversized_and_malformed_replies_are_refused():
    with pytest.raises(ReplyTooLarge):
        parse_reply("x" * (MAX_REPLY_BYTES + 1))
    with pytest.raises(ValidationError):
        parse_reply('{"faces": "none"}')
