"""One settings tree for every process shape, read from ``ROUTEWAY_*`` environment variables.

Nothing here is built at import time: ``Settings()`` is constructed by the entry point (CLI or
test) and passed to ``create_app(settings)``. Nested groups use ``__`` as delimiter, e.g.
``ROUTEWAY_SERVICES__MATCHING_URL``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ServiceName = Literal["vacancies", "training", "matching", "gateway"]
SERVICE_NAMES: tuple[ServiceName, ...] = ("vacancies", "training", "matching", "gateway")

_DEV_SECRET = "routeway-development-secret-change-me"  # noqa: S105 - refused outside development


class ServiceUrls(BaseModel):
    """Base URLs of the services behind the gateway; ``None`` means run it in-process."""

    vacancies_url: str | None = None
    training_url: str | None = None
    matching_url: str | None = None

    def url_for(self, service: ServiceName) -> str | None:
        """The configured base URL of ``service``, or ``None`` in embedded mode."""
        return {
            "vacancies": self.vacancies_url,
            "training": self.training_url,
            "matching": self.matching_url,
        }.get(service)


class Settings(BaseSettings):
    """Every knob Routeway reads; 12-factor, from the environment only."""

    model_config = SettingsConfigDict(
        env_prefix="ROUTEWAY_", env_nested_delimiter="__", extra="ignore", env_file=None
    )

    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    data_dir: Path = Path("./var")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; unset means one SQLite file per service in data_dir.",
    )
    redis_url: str | None = Field(
        default=None, description="Redis URL; unset means in-process events and limits."
    )
    demo_data: bool = True
    secret_key: str = _DEV_SECRET
    log_level: str = "INFO"
    log_json: bool = True
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_ingest_bytes: int = Field(default=512 * 1_048_576, ge=1024)
    service_timeout_s: float = Field(default=10.0, gt=0)
    cors_origins: list[str] = Field(default_factory=list)
    services: ServiceUrls = Field(default_factory=ServiceUrls)
    service_name: ServiceName = "gateway"
    outbox_poll_s: float = Field(default=0.5, gt=0)
    rate_limit_per_minute: int = Field(
        default=600, ge=1, description="Sustained requests per minute allowed per API key."
    )
    rate_limit_burst: int | None = Field(
        default=None,
        ge=1,
        description="Requests a key may make at once; unset means a minute's worth.",
    )

    @field_validator("database_url", "redis_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    def check_secrets(self) -> None:
        """Refuse the development secret anywhere but development and test."""
        if self.environment == "production" and self.secret_key == _DEV_SECRET:
            raise ValueError("ROUTEWAY_SECRET_KEY must be set in production")

    @property
    def embedded(self) -> bool:
        """True when every service runs in this process (no service URL configured)."""
        return not any(
            (self.services.vacancies_url, self.services.training_url, self.services.matching_url)
        )
