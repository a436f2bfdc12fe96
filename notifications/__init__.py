"""The outside world of messages. A leaf package: it imports nothing else of ours."""
from .messages import TEMPLATES, render
from .sender import ConsoleSender, RecordingSender, SendError, SmsSender

__all__ = ["TEMPLATES", "ConsoleSender", "RecordingSender", "SendError", "SmsSender", "render"]
