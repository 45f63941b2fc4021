"""Output: formatters that turn a report (and its plans) into bytes for people (the terminal
timeline, HTML), and the delivery of those bytes to standard output or --output (destination)."""
