"""Helpers the tests share: a loopback feed server, app builders, a pty driver."""
