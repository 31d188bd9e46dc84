"""Limits checked on untrusted JSON text before it is parsed (share links, estimate input).

A link nested thousands deep overflows the engine's stack inside json.loads in the browser (the
WebAssembly stack runs out before Python's RecursionError), so the depth is counted by a flat scan
of the text first. After parsing, text that cannot be written back as UTF-8 (lone surrogates from
"\\ud800" escapes) is refused, so no answer or error message carries it. The same limits are in
assets/resident/share.js.
"""
MAX_DEPTH = 8      # the deepest real input is 3 (stays[i].field); room for old and future links
MAX_ITEMS = 2000   # keys + array items in one input; a real one has under 200

TOO_DEEP = "分享链接或输入的内容层次太多，不是本站生成的，无法读取。请重新填写。"
TOO_MANY = "分享链接或输入的内容项目太多，不是本站生成的，无法读取。请重新填写。"
BAD_TEXT = "分享链接或输入里有无法识别的字符，不是本站生成的，无法读取。请重新填写。"


def shape_problem(text: str):
    """A Chinese message when `text` nests deeper than MAX_DEPTH or holds more than MAX_ITEMS
    keys/items; None otherwise. One pass, no recursion, strings skipped."""
    depth = items = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return TOO_DEEP
        elif c in "]}":
            depth -= 1
        elif c == "," or c == ":":
            items += 1
            if items > MAX_ITEMS:
                return TOO_MANY
    return None


def text_problem(value):
    """BAD_TEXT when any string in the parsed value cannot be encoded as UTF-8, else None."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return BAD_TEXT
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return None
