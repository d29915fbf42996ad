""""N字以内": one way to count a text and one message when it is too long, shared by the forms, the domain checks
and the checklist. The browser shows the same words at the field (app.js) and never cuts what was typed or pasted."""


def text_length(value: str | None) -> int:
    """Characters after trimming, a line break counting once (the forms store CR LF as one line feed)."""
    return len((value or "").replace("\r\n", "\n").strip())


def over_limit_message(limit: int, length: int) -> str:
    """“超出 139 字（不超过500字，当前639字）。”: what is too much first, as the field's counter says it."""
    return f"超出 {length - limit} 字（不超过{limit}字，当前{length}字），请删减后保存。"
