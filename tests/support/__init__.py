"""Helpers the test modules share. Not test modules: nothing here is collected, and nothing here
imports a test module or conftest (tests/test_layers.py checks).

Test modules import these as `from support.pdf import Pdf` (pytest puts tests/ first on
`sys.path`); conftest.py has their asserts rewritten, so a failing helper explains itself as a
test does.
"""
