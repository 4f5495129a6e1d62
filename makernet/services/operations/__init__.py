"""The installation's own processes: heartbeats, the health report, one beat and one listener.

The area's front door: the use cases entry points (the health page, tasks, the CLI) call.
"""
from makernet.services.operations.queries import health, heartbeat_every, web_health
from makernet.services.operations.worker import ProcessLock, hold_process_lock, record_heartbeat

__all__ = ["ProcessLock", "health", "heartbeat_every", "hold_process_lock", "record_heartbeat", "web_health"]
