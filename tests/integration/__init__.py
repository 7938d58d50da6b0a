"""Tests across parts: a real loopback HTTP server, the CLI in processes, kill -9 rounds."""
