import Foundation
import Testing

/// A real SMTP server (aiosmtpd) on loopback that appends each message it accepts to a file.
enum SMTPReceiver {
    static let script = #"""
    import socket, sys
    from aiosmtpd.controller import Controller

    out = sys.argv[1]

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with open(out, "ab") as f:
                f.write(b"MAIL FROM: " + envelope.mail_from.encode() + b"\n")
                f.write(b"RCPT TO: " + ",".join(envelope.rcpt_tos).encode() + b"\n")
                f.write(envelope.original_content or envelope.content)
                f.write(b"\n--END--\n")
            print("message", flush=True)
            return "250 Message accepted for delivery"

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    sys.stdin.read()
    controller.stop()
    """#

    /// Whether python3 with aiosmtpd is installed.
    static let available: Bool = {
        guard let python = ExternalTool.python3 else { return false }
        return (try? python.runBlocking(["-c", "import aiosmtpd"]).status) == 0
    }()

    static let missingReason: Comment =
        "python3 with aiosmtpd not found: `pip install aiosmtpd` (and the Debian package python3) to run this test"
}
