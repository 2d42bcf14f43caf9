"""Routes only: parse, call the service module, return."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1")
