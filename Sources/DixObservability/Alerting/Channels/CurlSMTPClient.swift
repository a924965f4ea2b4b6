import CCurl
import Dispatch
import Foundation

/// Sends one message over SMTP with libcurl's SMTP support.
///
/// libcurl's easy interface blocks, so each send runs on a Dispatch worker thread, never on the
/// Swift concurrency pool, and the caller awaits it.
struct CurlSMTPClient: Sendable {
    let configuration: SMTPConfiguration
    let channel: String

    private static let globalInit: CURLcode = dix_curl_global_init()

    func send(_ message: String) async throws {
        let configuration = self.configuration
        let channel = self.channel
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.perform(message, configuration, channel: channel) })
            }
        }
    }

    /// The bytes libcurl reads as the message body, and how far it has read.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    private static func perform(_ message: String, _ configuration: SMTPConfiguration, channel: String) throws {
        guard globalInit == CURLE_OK else {
            throw AlertDeliveryError(channel: channel, message: "libcurl failed to initialise")
        }
        guard let handle = curl_easy_init() else {
            throw AlertDeliveryError(channel: channel, message: "libcurl could not create a handle")
        }
        defer { curl_easy_cleanup(handle) }
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        for recipient in configuration.to {
            recipients = curl_slist_append(recipients, "<\(recipient)>")
        }
        defer { curl_slist_free_all(recipients) }
        let upload = Upload(Array(message.utf8))
        let uploadPointer = Unmanaged.passRetained(upload)
        defer { uploadPointer.release() }

        var code = dix_curl_setopt_string(handle, CURLOPT_URL, configuration.url)
        if code == CURLE_OK { code = dix_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(configuration.from)>") }
        if code == CURLE_OK { code = dix_curl_setopt_list(handle, CURLOPT_MAIL_RCPT, recipients) }
        if code == CURLE_OK { code = dix_curl_setopt_long(handle, CURLOPT_UPLOAD, 1) }
        if code == CURLE_OK { code = dix_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) }
        if code == CURLE_OK {
            code = dix_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(configuration.timeout.seconds * 1000))
        }
        if code == CURLE_OK {
            let level: curl_usessl =
                switch configuration.security {
                case .none: CURLUSESSL_NONE
                case .opportunistic: CURLUSESSL_TRY
                case .required: CURLUSESSL_ALL
                }
            code = dix_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(level.rawValue))
        }
        if code == CURLE_OK, let username = configuration.username {
            code = dix_curl_setopt_string(handle, CURLOPT_USERNAME, username)
        }
        if code == CURLE_OK, let password = configuration.password {
            code = dix_curl_setopt_string(handle, CURLOPT_PASSWORD, password)
        }
        if code == CURLE_OK {
            code = dix_curl_setopt_read_function(handle) { buffer, size, count, userdata in
                guard let buffer, let userdata else { return 0 }
                let upload = Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue()
                let length = min(size * count, upload.bytes.count - upload.offset)
                guard length > 0 else { return 0 }
                upload.bytes.withUnsafeBytes { source in
                    UnsafeMutableRawPointer(buffer).copyMemory(
                        from: source.baseAddress! + upload.offset, byteCount: length)
                }
                upload.offset += length
                return length
            }
        }
        if code == CURLE_OK { code = dix_curl_setopt_pointer(handle, CURLOPT_READDATA, uploadPointer.toOpaque()) }
        if code == CURLE_OK { code = curl_easy_perform(handle) }
        guard code == CURLE_OK else {
            let reason = String(cString: curl_easy_strerror(code))
            throw AlertDeliveryError(channel: channel, message: "SMTP to \(configuration.url) failed: \(reason)")
        }
    }
}
