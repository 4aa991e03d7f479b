"""The catalogue's periodic jobs, run by `zhengwu scheduled`."""

from zhengwu.catalog import services


def activate_due_versions() -> str:
    """Versions published with a later effective date become the current version on that date."""
    return f"事项新版本生效 {len(services.activate_due_versions())} 项"


JOBS = [("activate_due_versions", activate_due_versions)]
