"""Notices (站内消息): every event reaches the people it concerns in their inbox, and by e-mail (or SMS) where they
asked for it. A domain function writes its notices with one call of a function of `events` (or `inbox.notify`) in
its own transaction; `flask --app wsgi send-notices` delivers the outbox and writes the deadline reminders."""
