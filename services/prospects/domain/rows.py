"""The fingerprint of a captured row, which makes receiving it again harmless."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def capture_key(source: str, row: Mapping[str, Any], origin: Mapping[str, str]) -> str:
    """Fingerprint of one capture, so that receiving the same row again records nothing new."""
    content = json.dumps([source, dict(row), dict(origin)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()[:32]
