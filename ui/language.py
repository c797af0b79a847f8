"""The page's language, from one source: the browser's ``navigator.language``, the same one ``gr.I18n`` uses.

The page keeps it in a hidden textbox filled on load; each event that writes words sends it along. API callers
(no page) fall back to their ``Accept-Language`` header.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.i18n import language_from_header

#: Run in the browser on load: the language Gradio's own I18n picks (navigator.language).
BROWSER_LANGUAGE_JS = "() => (window.navigator.language || (window.navigator.languages || ['en'])[0] || 'en')"


def page_language(browser_language: str | None, request: gr.Request | None = None) -> str:
    """``"zh-CN"`` or ``"en"``: the browser's language when the page sent it, else the request's Accept-Language."""
    if isinstance(browser_language, str) and browser_language.strip():
        return "zh-CN" if browser_language.strip().lower().startswith("zh") else "en"
    headers: Any = getattr(request, "headers", None) or {}
    return language_from_header(headers.get("accept-language"))


def language_box() -> gr.Textbox:
    """The hidden textbox that holds the browser's language (fill it with :data:`BROWSER_LANGUAGE_JS` on load)."""
    return gr.Textbox("", visible=False, elem_id="page-language")
