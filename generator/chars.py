"""Characters that make text lie: what a reader sees is not what the text is.

Three classes, from the Unicode Character Database (Unicode 16.0; `tests/test_text_lies.py`
compares these tables with ICU's sets of the same properties, so an upgrade that adds a
character fails a test instead of letting it through):

- bidi: the Bidi_Control characters (U+061C, U+200E/200F, U+202A-202E, U+2066-2069). They
  reorder what is shown: `0519-<U+202E>7013 2688` shows another number than it dials.
- control: general categories Cc (except tab and line feed), Zl, Zp and Cs, and the
  noncharacters. XML cannot hold most of them; terminals and editors act on them.
- invisible: Default_Ignorable_Code_Point, Cf and Variation_Selector (zero-width characters,
  joiners, variation selectors, tag characters, invisible operators, the Hangul fillers,
  shorthand and musical format controls, interlinear annotation), and characters that are
  drawn as nothing at all (U+2800 braille blank, U+1D159 musical null notehead).

Chinese text uses none of them; an emoji sequence with a zero-width joiner is refused too
(clerks do not need it). Only tab and line feed, which the formats allow in text, pass.
"""

from __future__ import annotations

import re

BIDI = "bidi"
CONTROL = "control"
INVISIBLE = "invisible"

Ranges = tuple[tuple[int, int], ...]

BIDI_RANGES: Ranges = ((0x061C, 0x061C), (0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069))

CONTROL_RANGES: Ranges = (
    (0x0000, 0x0008),  # C0 controls before tab
    (0x000B, 0x001F),  # C0 controls after line feed (carriage return included: the loader makes line ends LF)
    (0x007F, 0x009F),  # DEL and the C1 controls
    (0x2028, 0x2029),  # line and paragraph separators
    (0xD800, 0xDFFF),  # surrogates: never a character of their own
    (0xFDD0, 0xFDEF),  # noncharacters
    *((plane + 0xFFFE, plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)),
)

INVISIBLE_RANGES: Ranges = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x0600, 0x0605),  # Arabic number signs (format characters)
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200D),  # zero width space, non-joiner, joiner
    (0x2060, 0x2065),  # word joiner, invisible operators
    (0x206A, 0x206F),  # deprecated format characters
    (0x2800, 0x2800),  # braille pattern blank: drawn as nothing
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero width no-break space (byte order mark)
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xFFF0, 0xFFFB),  # reserved default-ignorables, interlinear annotation
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),  # Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D159, 0x1D159),  # musical symbol null notehead: drawn as nothing
    (0x1D173, 0x1D17A),  # musical format controls
    (0xE0000, 0xE0FFF),  # tag characters, variation selectors supplement, reserved default-ignorables
)

_CLASSES: tuple[tuple[str, Ranges], ...] = ((BIDI, BIDI_RANGES), (CONTROL, CONTROL_RANGES), (INVISIBLE, INVISIBLE_RANGES))


def _char_class(ranges: Ranges) -> str:
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


HIDDEN_RE = re.compile(f"[{_char_class(BIDI_RANGES + CONTROL_RANGES + INVISIBLE_RANGES)}]")
"""Any character of the three classes."""


def hidden_class(ch: str) -> str | None:
    """BIDI, CONTROL or INVISIBLE for a character that makes text lie, else None."""
    code = ord(ch)
    for name, ranges in _CLASSES:
        if any(a <= code <= b for a, b in ranges):
            return name
    return None


_NAMES = {
    0x0000: "空字符",
    0x0007: "响铃符",
    0x0008: "退格符",
    0x000B: "垂直制表符",
    0x000C: "换页符",
    0x000D: "回车符",
    0x001B: "转义符（ESC）",
    0x007F: "删除符（DEL）",
    0x0085: "下一行符（NEL）",
    0x2028: "行分隔符",
    0x2029: "段分隔符",
    0x061C: "阿拉伯字母标记",
    0x200E: "从左到右标记",
    0x200F: "从右到左标记",
    0x202A: "从左到右嵌入",
    0x202B: "从右到左嵌入",
    0x202C: "方向格式结束",
    0x202D: "从左到右覆盖",
    0x202E: "从右到左覆盖",
    0x2066: "从左到右隔离",
    0x2067: "从右到左隔离",
    0x2068: "首字符方向隔离",
    0x2069: "方向隔离结束",
    0x00AD: "软连字符",
    0x034F: "组合字形连接符",
    0x180E: "蒙古文元音分隔符",
    0x200B: "零宽空格",
    0x200C: "零宽不连字",
    0x200D: "零宽连字",
    0x2060: "零宽词连接符",
    0x2800: "盲文空白",
    0xFEFF: "零宽不换行空格（BOM）",
    0x1D159: "乐谱空白音符",
}
_RANGE_NAMES: tuple[tuple[int, int, str], ...] = (
    (0x0000, 0x001F, "控制字符"),
    (0x0080, 0x009F, "C1 控制字符"),
    (0xD800, 0xDFFF, "代理码位（不是字符，多半是编码损坏）"),
    (0xFDD0, 0xFDEF, "非字符码位"),
    (0x0600, 0x08E2, "看不见的格式字符"),
    (0x115F, 0x1160, "谚文填充符（看起来是空白）"),
    (0x3164, 0x3164, "谚文填充符（看起来是空白）"),
    (0xFFA0, 0xFFA0, "半角谚文填充符（看起来是空白）"),
    (0x17B4, 0x17B5, "高棉文隐形元音"),
    (0x180B, 0x180F, "蒙古文变体选择符"),
    (0x2061, 0x2064, "隐形数学运算符"),
    (0x2065, 0x206F, "看不见的格式字符"),
    (0xFE00, 0xFE0F, "变体选择符"),
    (0xFFF0, 0xFFF8, "看不见的保留码位"),
    (0xFFF9, 0xFFFB, "行间注释符"),
    (0x13430, 0x1343F, "埃及圣书体格式控制符"),
    (0x1BCA0, 0x1BCA3, "速记格式控制符"),
    (0x1D173, 0x1D17A, "乐谱格式控制符"),
    (0xE0001, 0xE007F, "标签字符"),
    (0xE0100, 0xE01EF, "变体选择符"),
)


def char_name(ch: str) -> str:
    """The character's name in a clerk's words: `从右到左覆盖（方向控制符）`, `零宽空格`, `控制字符`."""
    code = ord(ch)
    if code in _NAMES:
        return _NAMES[code]
    if code & 0xFFFE == 0xFFFE:
        return "非字符码位"
    for a, b, name in _RANGE_NAMES:
        if a <= code <= b:
            return name
    return {BIDI: "方向控制符", CONTROL: "控制字符"}.get(hidden_class(ch) or "", "看不见的字符")


def describe(ch: str) -> str:
    """`U+202E 从右到左覆盖（方向控制符）`: the code a clerk can search for, and what it is."""
    return f"U+{ord(ch):04X} {char_name(ch)}"


def show(text: str) -> str:
    """`text` with every character that makes it lie written out as ⟨U+202E⟩, for messages and logs."""
    return HIDDEN_RE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def strip_hidden(text: str) -> str:
    """`text` without any character that makes it lie (tab and line feed kept). For outputs, as a
    second line of defence behind the text rules: nothing XML cannot hold is left either."""
    return HIDDEN_RE.sub("", text)
