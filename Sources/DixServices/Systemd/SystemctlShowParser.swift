import Foundation

/// Turns `systemctl show --timestamp=unix -p ...` output into ``ServiceStatus`` values.
///
/// Pure, so it is tested on recorded output as well as against a real systemd.
package enum SystemctlShowParser {
    /// The properties asked for; `Id` names the unit when several are shown at once.
    package static let properties = [
        "Id", "LoadState", "ActiveState", "SubState", "MainPID", "NRestarts",
        "ExecMainStartTimestamp", "ExecMainExitTimestamp", "ExecMainCode", "ExecMainStatus",
        "Result",
    ]

    /// Parses one or more blank-line-separated blocks of `Key=Value` lines.
    package static func parse(_ output: String, fallbackName: String? = nil) throws(
        ServiceManagerError
    ) -> [ServiceStatus] {
        var statuses: [ServiceStatus] = []
        var block: [String: String] = [:]
        func flush() throws(ServiceManagerError) {
            guard !block.isEmpty else { return }
            statuses.append(try status(from: block, fallbackName: fallbackName))
            block = [:]
        }
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                try flush()
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ServiceManagerError(
                    .unexpectedOutput, service: fallbackName,
                    "systemctl show printed a line without '=': \(line)")
            }
            block[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        try flush()
        return statuses
    }

    static func status(from properties: [String: String], fallbackName: String?) throws(
        ServiceManagerError
    ) -> ServiceStatus {
        guard let name = properties["Id"] ?? fallbackName else {
            throw ServiceManagerError(.unexpectedOutput, "systemctl show printed no unit Id")
        }
        guard let activeState = properties["ActiveState"], !activeState.isEmpty else {
            throw ServiceManagerError(
                .unexpectedOutput, service: name, "systemctl show printed no ActiveState")
        }
        let mainPID = properties["MainPID"].flatMap(Int32.init).flatMap { $0 > 0 ? $0 : nil }
        let restarts = properties["NRestarts"].flatMap(Int.init) ?? 0
        let startedAt = properties["ExecMainStartTimestamp"].flatMap(date(fromUnixTimestamp:))
        var lastExit: ProcessExit?
        if let exitedAt = properties["ExecMainExitTimestamp"].flatMap(date(fromUnixTimestamp:)),
            let code = properties["ExecMainCode"].flatMap(Int32.init),
            let value = properties["ExecMainStatus"].flatMap(Int32.init)
        {
            // ExecMainCode is a CLD_* code: 1 exited, 2 killed, 3 dumped core.
            switch code {
            case 1: lastExit = ProcessExit(code: value, at: exitedAt)
            case 2, 3: lastExit = ProcessExit(signal: value, at: exitedAt)
            default: break
            }
        }
        return ServiceStatus(
            name: name, activeState: ServiceActiveState(rawValue: activeState),
            subState: properties["SubState"] ?? "", mainPID: mainPID, restartCount: restarts,
            startedAt: startedAt, lastExit: lastExit,
            isLoaded: (properties["LoadState"] ?? "loaded") != "not-found",
            detail: properties["Result"].flatMap { $0.isEmpty || $0 == "success" ? nil : $0 })
    }

    /// `@1700000000` (from `--timestamp=unix`); empty or `n/a` means never.
    static func date(fromUnixTimestamp text: String) -> Date? {
        guard text.hasPrefix("@"), let seconds = Double(text.dropFirst()), seconds > 0 else {
            return nil
        }
        return Date(timeIntervalSince1970: seconds)
    }
}
