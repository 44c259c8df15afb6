"""Signals of changes to the structure that other apps' kept totals must follow.

Both are sent inside the transaction that makes the change, before the rows below follow it.
"""

from django.dispatch import Signal

#: An area was placed under another parent: kwargs `area`, `old_parent_path`, `new_parent_path`.
area_moved = Signal()
#: A site changed community: kwargs `site`, `old_path`, `new_path` (the communities' paths).
site_moved = Signal()
