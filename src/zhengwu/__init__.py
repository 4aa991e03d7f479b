"""Zhengwu (政务): a government service centre and its transparency work, end to end."""
