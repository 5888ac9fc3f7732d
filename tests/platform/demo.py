import io

import pytest
from django.core.management import call_command


def load_demo(monkeypatch: pytest.MonkeyPatch, value: str | None = None) -> str:
    """Run `load_demo` with TREMPLIN_DEMO unset (or set to `value`); return what it printed."""
    if value is None:
        monkeypatch.delenv("TREMPLIN_DEMO", raising=False)
    else:
        monkeypatch.setenv("TREMPLIN_DEMO", value)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()
