"""The territory: figures per commune, département and week for coordinators, public pages and open data files,
worked out by a task and published whole; the map's outlines and commune index.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.territory.inputs import MAP_FILES, map_dir
from makernet.services.territory.queries import (coordinator_territory, public_files, public_territory, published,
                                                 report_map)
from makernet.services.territory.worker import NEAR_KM, publish

__all__ = ["coordinator_territory", "map_dir", "MAP_FILES", "NEAR_KM", "public_files", "public_territory", "publish",
           "published",
           "report_map"]
