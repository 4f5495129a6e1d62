"""Which packages the wheel holds; everything else about the package is in pyproject.toml.

The pages' templates stay at the top of the checkout (`templates/`, the source) and go into
the wheel as `makernet/templates`, beside the code that renders them: a mapping pyproject.toml
cannot say next to its automatic package discovery.
"""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["makernet*", "workers*", "printers*"]) + ["makernet.templates"],
      package_dir={"makernet.templates": "templates"})
