"""IAM policy documents as text: their size quotas, and JSON read as strictly as IAM reads it.

Size quotas (IAM User Guide, "IAM and AWS STS quotas"; STS AssumeRole; Organizations User
Guide, "Quotas for AWS Organizations"; S3 User Guide, "Bucket policies and user policies"; KMS
Developer Guide, "Key policy format"): a managed policy holds at most 6,144 characters, the
inline policies of one role 10,240 together, a session policy 2,048, an SCP or an RCP 5,120, an
S3 bucket policy 20 KB and a KMS key policy 32 KB. IAM "does not count white space"; the other
services are read the same way (the most lenient reading). Whatever the kind, the IAM API takes
a policy document of at most 131,072 characters, whitespace included.

JSON: no key twice in one object, no ``NaN`` or ``Infinity`` (not JSON), no integer Python
cannot hold, and nesting deeper than the parser's own limit is reported, not raised.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from certprep.labs.graders.iam_patterns import PolicyError, shown

PolicyKind = Literal["identity", "resource", "scp", "rcp"]
MAX_DOCUMENT = 131_072  # the PolicyDocument parameter of the IAM API, whitespace included
SizeLimit = tuple[int, str]  # (characters not counting whitespace, what has that limit)
SIZE_LIMITS: dict[str, SizeLimit] = {  # IAM and STS quotas, Organizations quotas, S3, KMS
    "managed": (6_144, "an IAM managed policy"),
    "role inline": (10_240, "the inline policies of one IAM role"),
    "session": (2_048, "a session policy"),
    "scp": (5_120, "an SCP"),
    "rcp": (5_120, "an RCP"),
    "bucket": (20_480, "an S3 bucket policy (20 KB)"),
    "key": (32_768, "a KMS key policy (32 KB)"),
    "resource": (32_768, "a resource-based policy (32 KB, the most this grader reads)"),
}
_DEFAULT_LIMIT = {"identity": "role inline", "resource": "resource", "scp": "scp", "rcp": "rcp"}
_MAX_DIGITS = 4_000  # Python refuses longer integers; no policy needs one


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise PolicyError(f"the key {shown(key)} appears twice in one object")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise PolicyError(f"not valid JSON: {name} is not a JSON value")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_DIGITS:
        raise PolicyError(f"a number has more than {_MAX_DIGITS:,} digits")
    return int(text)


def load_json(text: str) -> Any:
    """Parse policy JSON as strictly as IAM: no duplicate keys, no NaN or Infinity."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_int=_integer,
        )
    except json.JSONDecodeError as exc:
        raise PolicyError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:  # the JSON parser counts its own depth and stops cleanly
        raise PolicyError("not a policy: its JSON is nested far too deeply") from None


def check_size(text: str, kind: PolicyKind, name: str, limit: SizeLimit | None = None) -> None:
    """Reject a document over its size quota before parsing it. Whitespace does not count (as
    IAM counts; the most lenient reading of the other services' limits)."""
    most, what = limit or SIZE_LIMITS[_DEFAULT_LIMIT[kind]]
    if len(text) > MAX_DOCUMENT:
        raise PolicyError(
            f"{name} is {len(text):,} characters long; a policy document can have at most"
            f" {MAX_DOCUMENT:,}, whitespace included"
        )
    size = len("".join(text.split()))
    if size > most:
        raise PolicyError(
            f"{name} is too large: {size:,} characters not counting whitespace, and {what}"
            f" can have at most {most:,}"
        )
