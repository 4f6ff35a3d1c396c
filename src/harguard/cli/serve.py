"""`harguard serve`: run the gateway; registers the `harguard admin` commands too.

On a fresh machine it starts on embedded defaults (dev mode: SQLite, keys and blobs in ./data)
and prints the URL and, on the very first start only, the first admin's API token.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

from ._output import console, warning

if importlib.util.find_spec("fastapi") is None or importlib.util.find_spec("uvicorn") is None:
    # cli/app.py skips this module, and so `serve`, when the gateway extra is not installed
    raise ImportError("harguard serve needs the gateway extra: pip install 'harguard[gateway]'")

__all__ = ["register", "serve_command"]

EXAMPLES = """
Examples:

  harguard serve                                  # dev mode: SQLite and keys in ./data
  harguard serve --host 0.0.0.0 --port 8080 --config /etc/harguard/gateway.toml
  HARGUARD_DATABASE_URL=postgresql://harguard@db/harguard harguard serve
"""

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Gateway config file (TOML); also $HARGUARD_CONFIG.", dir_okay=False),
]


def serve_command(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option("--port", "-p", help="Port (default 8000).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Run the upload gateway (web page and /api/v1)."""
    import uvicorn

    from ..gateway import create_app, load_settings
    from ..gateway.bootstrap import ensure_first_admin
    from ..gateway.logs import configure_logging
    from ..gateway.runtime import build_gateway

    settings = load_settings(config, host=host, port=port)
    configure_logging(settings.log_level)
    if settings.is_dev:
        warning(
            f"dev mode: keys are generated in {settings.data_dir.resolve()}; "
            "set HARGUARD_MODE=production with configured keys for real use"
        )
    gateway = build_gateway(settings)
    token = ensure_first_admin(gateway)
    console.print(
        f"harguard gateway on [bold]{settings.url()}[/]  (API docs: {settings.url()}/api/v1/docs)",
        markup=True,
        highlight=False,
    )
    if token is not None:
        console.print(
            "First start: user [bold]admin[/] was created with this API token. It is shown only now; keep it safe:",
            markup=True,
        )
        console.print(f"  {token}", markup=False, highlight=False, soft_wrap=True)
        console.print(
            f"Log in at {settings.url()}/login with it, or use it as `Authorization: Bearer <token>`.",
            markup=False,
        )
    app = create_app(settings, gateway=gateway)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        access_log=False,
        server_header=False,
        log_level=settings.log_level.lower(),
        log_config=None,
    )


def register(app: typer.Typer) -> None:
    from .admin import admin_app

    app.command("serve", epilog=EXAMPLES)(serve_command)
    app.add_typer(admin_app, name="admin")
