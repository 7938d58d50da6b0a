"""`python -m bench`: reader against newsboat, see bench/run.py."""

from bench.run import main

main()
