import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # PyInstaller: a report child process starts here and must stop here
        import multiprocessing

        multiprocessing.freeze_support()
    from desktop_app.cli import main

    sys.exit(main())
