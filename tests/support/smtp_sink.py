"""A mail server for the email tests: aiosmtpd on 127.0.0.1:PORT that keeps
every message it accepts in DIR, as N.json (envelope, headers, text body,
the attachments' names and types) with each attachment beside it as
N-NAME. Prints "ready" once it listens; stops when its stdin closes.

    smtp_sink.py PORT DIR [USER PASSWORD]

A recipient named reject@… is refused for good (550), as a server refuses
an address it does not know. With USER and PASSWORD it advertises AUTH (over plain text: a test on
loopback) and takes only that login.
"""

import email
import email.policy
import json
import os
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def login(data):
    """The user name a session signed in with, if it did."""
    if isinstance(data, bytes):
        return data.decode()
    return data


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject@"):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        attachments = []
        body = None
        for part in msg.walk():
            if part.is_multipart():
                continue
            name = part.get_filename()
            if name:
                path = os.path.join(self.folder, f"{n}-{name}")
                with open(path, "wb") as f:
                    f.write(part.get_payload(decode=True))
                attachments.append({"filename": name, "content_type": part.get_content_type(), "path": path})
            elif part.get_content_type() == "text/plain" and body is None:
                body = part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": login(session.auth_data),
            "from": msg["From"],
            "to": msg["To"],
            "subject": msg["Subject"],
            "body": body,
            "attachments": attachments,
        }
        tmp = os.path.join(self.folder, f"{n}.json.tmp")
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.folder, f"{n}.json"))
        return "250 OK"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    kwargs = {}
    if len(sys.argv) == 5:
        user, password = sys.argv[3].encode(), sys.argv[4].encode()

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login == user and auth_data.password == password
            return AuthResult(success=ok, auth_data=auth_data.login if ok else None)

        kwargs = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
