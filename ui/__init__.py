"""The page's parts: the drawing canvas component, the HTML renderings of a reading, and the page's words."""
