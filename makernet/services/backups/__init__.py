"""Backups: the whole database to one private file, and back into an empty database (`makernet db backup`,
`makernet db restore`). No actor: the command line runs them with the installation's own settings."""
from makernet.services.backups.commands import back_up, default_file_name, restore

__all__ = ["back_up", "default_file_name", "restore"]
