"""`python -m makernet.cli`: the `makernet` command without its console script."""
from makernet.cli import main

main()
