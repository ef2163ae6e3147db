"""Model functions differentiated by tests/test_rules.py.

adgen compiles a function from its source file, re-reading the whole file for each
function; the models are split into small modules so that the suite stays fast.
"""
