"""Factories for tests: the realistic builders of the demo data (webapp/demo_data.py)."""
from webapp.ops.demo_data import (  # noqa: F401
    PASSWORD, add_solution_picture, make_complete_application, make_enterprise, make_png,
)
