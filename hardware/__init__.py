"""Devices (no Flask import): ESC/POS printers, cash drawer, scales, scanners, simulators."""
