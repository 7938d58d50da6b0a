"""Where articles come from: the backend protocol and the HTTP transport."""
