import Foundation

/// The PID file of a direct service and the record beside it that makes re-adoption safe.
///
/// `name.pid` holds the PID alone, as other tools expect. `name.state.json` adds the process
/// start time (in clock ticks after boot), so a PID the kernel has since reused for another
/// process is not mistaken for the service.
struct PIDFile: Sendable {
    struct Record: Codable, Sendable {
        var pid: Int32
        var startTicks: UInt64?
        var startedAt: Date
        var command: [String]
    }

    let pidPath: String
    let recordPath: String

    init(directory: String, service: String) {
        pidPath = "\(directory)/\(service).pid"
        recordPath = "\(directory)/\(service).state.json"
    }

    func write(_ record: Record) throws {
        try Data("\(record.pid)\n".utf8).write(to: URL(fileURLWithPath: pidPath), options: .atomic)
        try JSONEncoder().encode(record).write(
            to: URL(fileURLWithPath: recordPath), options: .atomic)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: pidPath)
        try? FileManager.default.removeItem(atPath: recordPath)
    }

    /// The recorded process if it is still the same live process, else nil (and stale files go).
    func liveRecord() -> Record? {
        guard let text = try? String(contentsOfFile: pidPath, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return nil }
        let record =
            (try? Data(contentsOf: URL(fileURLWithPath: recordPath)))
            .flatMap { try? JSONDecoder().decode(Record.self, from: $0) }
        guard let stat = ProcFS.stat(of: pid), stat.state != "Z", stat.state != "X" else {
            remove()
            return nil
        }
        if let record, record.pid == pid {
            if let ticks = record.startTicks, ticks != stat.startTicks {
                remove()
                return nil
            }
            return record
        }
        return Record(pid: pid, startTicks: stat.startTicks, startedAt: Date(), command: [])
    }
}
