"""Delivery channels: how a finished report leaves the machine (Telegram today)."""
