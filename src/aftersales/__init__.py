"""aftersales: after-sales service and technical-support platform."""

__version__ = "0.1.0"
