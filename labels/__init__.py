"""Label templates and sheet layouts: shelf labels, barcode stickers, weighed produce, tags."""
