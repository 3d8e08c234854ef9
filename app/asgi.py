"""The application object for uvicorn and gunicorn: `uvicorn app.asgi:app`. Each
server process imports it, so each sets up its own logging here."""

from app.logs import configure_logging
from app.main import create_app
from app.settings import get_settings

configure_logging(get_settings())
app = create_app()
