import sys

from jianfu.cli import main

sys.exit(main())
