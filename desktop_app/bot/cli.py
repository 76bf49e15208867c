"""`business-orchestrator bot` and `business-orchestrator ask`: the bot without the tray."""

from __future__ import annotations

import argparse
import sys
import time

from ..paths import AppPaths
from ..settings import Settings


def add_commands(commands: argparse._SubParsersAction) -> None:
    bot = commands.add_parser("bot", help="answer Telegram commands and questions (headless; Ctrl+C stops)")
    bot.add_argument("action", nargs="?", choices=["listen", "pair"], default="listen",
                     help="listen (default), or pair: print a one-time code to send to the bot")
    ask = commands.add_parser("ask", help="ask a question about your reports, as the Telegram bot answers it")
    ask.add_argument("question", help='e.g. "why are sales down?"')
    ask.add_argument("--offline", action="store_true", help="keyword matcher and rules only; nothing is sent")


def cmd_bot(args: argparse.Namespace, paths: AppPaths, settings: Settings) -> int:
    from .commands import PAIRING_MINUTES, Bot, new_pairing_code

    if args.action == "pair":
        code = new_pairing_code(paths)
        print(f"Send {code} to your bot in Telegram within {PAIRING_MINUTES} minutes to let that chat in.")
        return 0
    from .listener import Listener

    if not settings.bot.allowed_chats:
        print("No chat is paired yet: run `business-orchestrator bot pair` and send the code to the bot.")
    listener = Listener(Bot(settings, paths))
    running = listener.start()
    print("Connecting to Telegram, then answering messages; Ctrl+C stops.")
    try:
        while not running.done():
            time.sleep(0.5)
        running.result()
    except KeyboardInterrupt:
        listener.stop()
        return 130
    return 0


def cmd_ask(args: argparse.Namespace, paths: AppPaths, settings: Settings) -> int:
    from .commands import Bot

    reply = Bot(settings, paths, offline=args.offline).handle_local(args.question)
    sys.stdout.write(reply + "\n")
    return 0
