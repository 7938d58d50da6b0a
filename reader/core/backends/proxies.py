"""Which proxy a download goes through: the config's `proxy`, else the environment's
(http_proxy, https_proxy, all_proxy and no_proxy, in either case), as other HTTP tools do."""

from __future__ import annotations

import urllib.request
from urllib.request import getproxies_environment

# The standard library's no_proxy matching (what urllib applies itself); typeshed omits it.
proxy_bypass_environment = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]


class ProxyChoice:
    """The proxy for each address; the environment is read once, when a session opens."""

    def __init__(self, configured: str | None) -> None:
        self.configured = configured or ""
        self._environment = {} if self.configured else getproxies_environment()

    def for_address(self, scheme: str, host: str) -> str:
        """The proxy URL for a request to `scheme://host`, or "" to go direct."""
        if self.configured:
            return self.configured
        environment = self._environment
        proxy = environment.get(scheme) or environment.get("all") or ""
        if proxy and host and proxy_bypass_environment(host, environment):
            return ""
        return proxy
