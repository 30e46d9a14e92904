"""A Sender in a thread of its own, or inline: how a reminder run hands its batches over."""

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor

from portal.services.mail.delivery import Claimed, DeliveryReport, Sender


class BackgroundSender:
    """A Sender in a thread of its own: one batch goes out while the caller prepares the next.

    At most one batch is in the thread at a time; `submit` waits for the previous one, so the
    caller must have committed (SQLite lets one writer in at a time). A second sender thread
    was tried: no faster on two cores, more CPU a message.
    """

    def __init__(self, sender: Sender):
        self.sender = sender
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")
        self.running: Future | None = None
        self.report = DeliveryReport()

    def submit(self, message_ids: list[int]) -> None:
        """Send these messages in the thread, once the previous batch is done."""
        self.wait()
        if message_ids:
            self.running = self.pool.submit(self.sender.deliver, message_ids)

    def submit_claimed(self, rows: list[Claimed], claimed_at: dt.datetime) -> None:
        """Send messages recorded already claimed (see Sender.deliver_claimed), likewise."""
        self.wait()
        if rows:
            self.running = self.pool.submit(self.sender.deliver_claimed, rows, claimed_at)

    def wait(self) -> DeliveryReport:
        """Wait for the batch in the thread; what every batch so far did."""
        if self.running is not None:
            running, self.running = self.running, None
            self.report.add(running.result())
        return self.report

    def close(self) -> DeliveryReport:
        """Wait for the last batch, close the connection and the thread."""
        try:
            return self.wait()
        finally:
            self.pool.shutdown()
            self.sender.close()


class InlineSender(BackgroundSender):
    """A Sender with BackgroundSender's interface that sends each batch at once, in the caller.

    For a run that is one of several processes: with no second thread competing for the GIL,
    each SMTP or database reply is read as soon as it comes, and the other processes use the
    CPU while this one waits.
    """

    def __init__(self, sender: Sender):
        self.sender = sender
        self.report = DeliveryReport()

    def submit(self, message_ids: list[int]) -> None:
        """Send these messages now."""
        if message_ids:
            self.report.add(self.sender.deliver(message_ids))

    def submit_claimed(self, rows: list[Claimed], claimed_at: dt.datetime) -> None:
        """Send messages recorded already claimed now."""
        if rows:
            self.report.add(self.sender.deliver_claimed(rows, claimed_at))

    def wait(self) -> DeliveryReport:
        """What every batch so far did."""
        return self.report

    def close(self) -> DeliveryReport:
        """Close the connection."""
        self.sender.close()
        return self.report
