"""Permission-matrix cases of the capacity check: any role that reaches sites may read it (counts
cover only what it may see); exporting needs the export action on sites."""

from tests.matrix import Case, row

CASES = [
    Case("capacity:index", row(200, hal=403, nina=403)),
    Case("capacity:index", row(200, hal=403, nina=403), "sites", query=lambda w: {"level": "site"}),
    Case("capacity:export", row(403, alice=200, leo=200, sam=200, cora=200, ada=200, olly=200)),
]

# The freshness of the ledgers: any role that reaches areas.
CASES += [
    Case("org:freshness", row(200, ada=403, hal=403, mia=403, nina=403)),
]
