"""Funders' and management reports, read-only over the other packages."""
