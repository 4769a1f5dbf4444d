"""Benchmark drivers that print figures, run as scripts, and `common`, what they share. They may
import anything in the repository; nothing imports them."""
