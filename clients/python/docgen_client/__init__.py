"""A client library for accessing docgen：申报材料生成服务"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
