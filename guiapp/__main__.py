import sys

if sys.argv[1:2] == ["-m"]:
    # a bundle's window program prints a document to PDF for its headless command as python would:
    # -m guiapp.pdfdoc IN.html OUT.pdf (engine.teaching.explain.pdf_command); no other module
    from guiapp import pdfdoc

    if sys.argv[2:3] == [pdfdoc.__name__]:
        sys.exit(pdfdoc.main(sys.argv[3:]))

from guiapp.app import main

sys.exit(main())
