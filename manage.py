#!/usr/bin/env python
"""Django's command-line utility for fenlei (the `fenlei` command wraps it)."""

import sys

from fenlei.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
