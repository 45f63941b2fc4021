"""Output: turning a report into bytes and delivering them (see STYLE.md)."""
