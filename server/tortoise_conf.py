"""Configuration for Tortoise's own command line (`tortoise -c server.tortoise_conf.TORTOISE_ORM`),
used to write new migrations. The server itself builds its configuration from Settings."""

from server.db import tortoise_config
from server.settings import Settings

TORTOISE_ORM = tortoise_config(Settings.from_env().database_url)
