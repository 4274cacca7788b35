"""Meetings, recurrence, RSVPs, reminders, dialoogtafels, casuïstiek and mee-loop-dagen.

Pure logic plus its repositories; it never imports the bot, handlers or a chat platform.
"""
