import sys

from guiapp.app import main

sys.exit(main())
