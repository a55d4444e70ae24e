"""The read side: every input read and checked at the boundary, every problem found at once.

One module per subsystem; ``read_schools`` is in ``schools.py``. Nothing is
imported here, so importing one module of the package costs only what it uses.
"""
