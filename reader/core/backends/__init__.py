"""Where articles come from: the backend protocol and the HTTP transport."""

import sys
from typing import Any, cast

# httpx imports its own command-line client (click, rich, pygments) whenever click happens to be
# installed; reader never runs it, and loading it would cost every `reader fetch` its start-up.
# A None entry makes that one import fail, which httpx expects and handles.
cast(dict[str, Any], sys.modules).setdefault("httpx._main", None)
