"""What the message tests look for: Vietnamese letters, English words, unfilled placeholders."""

import re
from pathlib import Path

import ntm_analysis

PACKAGE = Path(ntm_analysis.__file__).parent  # every module of it (scan with rglob)
UNFILLED = re.compile(r"\{[A-Za-z_]\w*\}")
# letters only Vietnamese uses (after removing the user's quoted values): a message without
# any is English, or no sentence at all
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáèéìíòóùúý]")
ENGLISH_WORDS = re.compile(
    r"\b(the|is|not|cannot|expected|row|column|file|and|or|of|in|found|missing|unknown|"
    r"problems?)\b"
)


def without_quoted(text: str) -> str:
    """The text without the user's values ('…'), which stay in their own language."""
    return re.sub(r"'[^']*'", "", text)
