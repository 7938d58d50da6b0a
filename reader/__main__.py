"""`python -m reader`."""

from reader.cli.main import run

if __name__ == "__main__":  # a spawned worker process re-imports this module: do nothing then
    run()
