"""The Telegram bot: answers the owner's commands and questions from the history on this PC."""
