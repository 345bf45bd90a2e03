"""The language model's answer: the JSON schema we ask for, and validation of what comes back.

Model output is untrusted data (a screen capture may contain text written to steer the model):
it must parse against the schema, labels must be one of the seven, and every string is cleaned
of control characters, markup and links and clamped in length before anyone sees it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..result import LABELS, canonical_label

MAX_REPLY_BYTES = 64_000
SUMMARY_CHARS, CONTEXT_CHARS, DESCRIPTION_CHARS, CUE_CHARS, MAX_CUES = 200, 300, 240, 60, 5

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_TAG = re.compile(r"<[^<>]{0,500}>")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+")
_MARKUP = re.compile(r"[`*_#>|~]+")


def clean_text(text: str, limit: int) -> str:
    """Plain, single-line text of at most `limit` characters."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _URL.sub("[link removed]", text)
    text = _MARKUP.sub("", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _label(value: object) -> object:
    if isinstance(value, str):
        return canonical_label(value) or value  # unknown words fail the schema's enum
    return value


Label = Annotated[Literal[LABELS], BeforeValidator(_label)]  # type: ignore[valid-type]


class FaceReply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    face: int = Field(ge=1, description="number of the face, as listed in the prompt")
    expression: Label
    confidence: float = Field(ge=0, le=1)
    cues: list[str] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_CUES})
    description: str = Field(json_schema_extra={"maxLength": DESCRIPTION_CHARS})


class Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    faces: list[FaceReply]
    summary: str = Field(json_schema_extra={"maxLength": SUMMARY_CHARS})
    context: str = Field(json_schema_extra={"maxLength": CONTEXT_CHARS})

    def cleaned(self) -> Reply:
        return Reply(
            faces=[
                FaceReply(
                    face=f.face,
                    expression=f.expression,
                    confidence=f.confidence,
                    cues=[c for c in (clean_text(c, CUE_CHARS) for c in f.cues) if c][:MAX_CUES],
                    description=clean_text(f.description, DESCRIPTION_CHARS),
                )
                for f in self.faces
            ],
            summary=clean_text(self.summary, SUMMARY_CHARS),
            context=clean_text(self.context, CONTEXT_CHARS),
        )


REPLY_SCHEMA = Reply.model_json_schema()


class ReplyTooLarge(ValueError):
    pass


def parse_reply(content: str) -> Reply:
    """Validated, cleaned reply; raises ReplyTooLarge or pydantic.ValidationError."""
    size = len(content.encode("utf-8", "replace"))
    if size > MAX_REPLY_BYTES:
        raise ReplyTooLarge(f"{size / 1e6:.1f} MB")
    return Reply.model_validate_json(content).cleaned()
