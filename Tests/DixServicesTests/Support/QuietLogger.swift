import Logging

/// A logger that drops everything, so test output shows test results.
let quietLogger = Logger(label: "dixservices.tests", factory: { _ in SwiftLogNoOpLogHandler() })
