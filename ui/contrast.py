"""Every text on the page at WCAG AA contrast (4.5:1), whatever draws it: the theme, our panels, Gradio's code panels.

The Soft theme's "subdued" grey (slate-400) is 2.45:1 on white, and its indigo-500 labels, tabs and selected radios
3.6–4.5:1; Gradio draws its footer, the code panels' line numbers and the lab's captions in them. The theme here is
the same Soft theme one shade darker where it draws text. Gradio's code panels colour Python with CodeMirror's Nord
light palette (1.6–4.1:1 on white) from a style sheet of its own: :data:`HEAD` darkens each of those colours in that
sheet until it reaches 4.5:1, so the highlighting stays and every token can be read. The browser tests measure every
visible text on the page (tests/browser_helpers.py, ``low_contrast_texts``).
"""

from __future__ import annotations

import gradio as gr

MINIMUM = 4.5  # WCAG 2 AA, normal text

THEME = gr.themes.Soft(primary_hue="indigo", neutral_hue="slate").set(
    body_text_color_subdued="*neutral_600",  # slate-600: 7.6:1 on white (slate-400 was 2.45:1)
    block_label_text_color="*primary_700",  # indigo-700 on the label's indigo-100: 7.0:1 (indigo-500: 3.6:1)
    block_title_text_color="*primary_700",
    button_primary_background_fill="*primary_600",  # white on indigo-600: 6.3:1 (indigo-500: 4.47:1)
    button_primary_background_fill_hover="*primary_700",
    checkbox_label_background_fill_selected="*primary_600",
)

CSS = """
/* The selected tab's title: indigo-700 on the page (indigo-500 was 4.27:1). */
.tab-wrapper button.selected, [role="tablist"] button[aria-selected="true"] { color: var(--primary-700) !important; }
/* The canvas's active tool: its words in the button's own white (a span inside took the body colour). */
.dc-btn.dc-active * { color: inherit; }
"""

#: Run in the page: CodeMirror's highlight colours darkened in their own style sheet until each reaches MINIMUM on
#: the editor's white, now and for every sheet CodeMirror adds later (a new gr.Code mounts its own).
HEAD = """<script>
(() => {
  const MINIMUM = MINIMUM_RATIO;
  const linear = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const contrast = rgb => 1.05 / (0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]) + 0.05);
  const parse = colour => {
    const hex = colour.match(/^#([0-9a-f]{6})$/i);
    if (hex) return [0, 2, 4].map(i => parseInt(hex[1].slice(i, i + 2), 16));
    const rgb = colour.match(/^rgb\\((\\d+), (\\d+), (\\d+)\\)$/);
    return rgb ? rgb.slice(1).map(Number) : null;
  };
  const darken = sheet => {
    for (const rule of sheet.cssRules) {
      if (!rule.style || !rule.selectorText || !rule.selectorText.startsWith('.\\u037c')) continue;
      let rgb = parse(rule.style.color);
      if (!rgb || contrast(rgb) >= MINIMUM) continue;
      while (contrast(rgb) < MINIMUM) rgb = rgb.map(c => Math.floor(c * 0.92));
      rule.style.color = `rgb(${rgb.join(', ')})`;
    }
  };
  // A sheet again only when its rules changed: CodeMirror adds rules to its sheet as editors mount.
  const seen = new WeakMap();
  const all = () => [...document.styleSheets, ...(document.adoptedStyleSheets || [])].forEach(sheet => {
    let count;
    try { count = sheet.cssRules.length; } catch (error) { return; }
    if (seen.get(sheet) !== count) { seen.set(sheet, count); darken(sheet); }
  });
  all();
  new MutationObserver(all).observe(document.documentElement, { childList: true, subtree: true });
})();
</script>""".replace("MINIMUM_RATIO", str(MINIMUM))
