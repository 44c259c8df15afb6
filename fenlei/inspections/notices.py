"""The notifications inspections and rectification send (registered with fenlei.core.notify)."""

from django.utils.translation import gettext_lazy as _

from fenlei.core import notify

ORDER_NEW = "inspections.order_new"
ORDER_DUE = "inspections.order_due"
ORDER_OVERDUE = "inspections.order_overdue"
ORDER_ESCALATED = "inspections.order_escalated"
ORDER_RETURNED = "inspections.order_returned"
ORDER_ANSWERED = "inspections.order_answered"

notify.register(ORDER_NEW, _("New rectification order {number} at {target}: {problem} (due {deadline})"))
notify.register(ORDER_DUE, _("Rectification order {number} at {target} is due tomorrow ({deadline})"))
notify.register(
    ORDER_OVERDUE, _("Rectification order {number} at {target} is overdue (it was due {deadline})")
)
notify.register(
    ORDER_ESCALATED, _("Rectification order {number} at {target} is overdue and escalated to you: {level}")
)
notify.register(ORDER_RETURNED, _("Rectification order {number} at {target} was returned: {note}"))
notify.register(
    ORDER_ANSWERED, _("Rectification order {number} at {target} was rectified and awaits your verification")
)
