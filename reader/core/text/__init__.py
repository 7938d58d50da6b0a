"""Text for terminals: cell widths, clean lines, HTML to blocks, plain text."""
