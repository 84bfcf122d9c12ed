"""`python -m generator`: the command line (cli.py); Ctrl-C during its imports is one line too."""

import sys

try:
    from generator.cli import main
except KeyboardInterrupt:
    print("error: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
