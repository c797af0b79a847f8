"""The page's language, from one source: the browser's ``navigator.language``, the same one ``gr.I18n`` uses.

The page keeps it in a hidden textbox filled on load, already matched to one of the page's languages by
:data:`ui.i18n.MATCH_LANGUAGE_JS` (the rule the server uses too); each event that writes words sends it along. API
callers (no page) fall back to their ``Accept-Language`` header.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.i18n import MATCH_LANGUAGE_JS, language_from_header, match_language

#: Run in the browser on load: the page's language for the language Gradio's own I18n picks (navigator.language).
BROWSER_LANGUAGE_JS = f"""() => ({MATCH_LANGUAGE_JS})(
  [window.navigator.language || (window.navigator.languages || ['en'])[0] || 'en'])"""


def page_language(browser_language: str | None, request: gr.Request | None = None) -> str:
    """One of the page's languages: the browser's when the page sent it, else the request's Accept-Language's."""
    if isinstance(browser_language, str) and browser_language.strip():
        return match_language([browser_language])
    headers: Any = getattr(request, "headers", None) or {}
    return language_from_header(headers.get("accept-language"))


def language_box() -> gr.Textbox:
    """The hidden textbox that holds the page's language (filled with :data:`BROWSER_LANGUAGE_JS` on load)."""
    return gr.Textbox("", visible=False, elem_id="page-language")
