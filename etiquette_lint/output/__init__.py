"""Formatters that turn a report (and its plans) into bytes for people: the terminal timeline, HTML."""
