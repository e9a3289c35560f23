"""Sizes in bytes, said the way people read them (in messages that reach users)."""


def readable_size(size: int) -> str:
    """``1,536 bytes`` below a megabyte, ``12 MB`` below a gigabyte, then ``1.5 GB``: binary units, as the
    limits are set (``512 * 1024**2``), so a limit reads as the round number it is."""
    if size >= 1 << 30:
        return f"{size / (1 << 30):,.1f}".removesuffix(".0") + " GB"
    if size >= 1 << 20:
        return f"{size / (1 << 20):,.0f} MB"
    return f"{size:,} bytes"
