"""Extension points other domains register with (in their AppConfig.ready), so cases never imports them.

- `delivery_gates`: callables `(case) -> str | None`; a message refuses delivering the result (送达), e.g. fees
  unpaid (统一收费: the result waits for payment unless the item says payment follows delivery).
- `portal_panels`: callables `(request, case) -> str` (safe HTML) shown on the applicant's case page, e.g. the
  payment notice (缴款通知书).
- `workbench_panels`: the same on the staff case page, e.g. issuing the payment notice.
"""

from collections.abc import Callable

delivery_gates: list[Callable] = []
portal_panels: list[Callable] = []
workbench_panels: list[Callable] = []


def delivery_refusal(case) -> str | None:
    for gate in delivery_gates:
        message = gate(case)
        if message:
            return message
    return None


def panels(request, case) -> list[str]:
    return [html for html in (panel(request, case) for panel in portal_panels) if html]


def workbench_panels_for(request, case) -> list[str]:
    return [html for html in (panel(request, case) for panel in workbench_panels) if html]
