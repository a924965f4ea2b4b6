import DixServices
import Foundation
import Testing

@Suite("systemctl show parsing")
struct SystemctlShowParserTests {
    @Test func parsesSeveralUnits() throws {
        let output = """
            Id=a.service
            LoadState=loaded
            ActiveState=active
            SubState=running
            MainPID=42
            NRestarts=2
            ExecMainStartTimestamp=@1700000000
            ExecMainExitTimestamp=
            ExecMainCode=0
            ExecMainStatus=0

            Id=b.service
            LoadState=loaded
            ActiveState=failed
            SubState=failed
            MainPID=0
            NRestarts=0
            ExecMainStartTimestamp=@1700000100
            ExecMainExitTimestamp=@1700000101
            ExecMainCode=2
            ExecMainStatus=9
            Result=signal

            """
        let statuses = try SystemctlShowParser.parse(output)
        #expect(statuses.count == 2)
        #expect(statuses[0].name == "a.service")
        #expect(statuses[0].mainPID == 42)
        #expect(statuses[0].restartCount == 2)
        #expect(statuses[0].startedAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(statuses[0].lastExit == nil)
        #expect(statuses[1].activeState == .failed)
        #expect(statuses[1].mainPID == nil)
        #expect(statuses[1].lastExit?.signal == 9)
        #expect(statuses[1].detail == "signal")
    }

    @Test func rejectsGarbage() {
        #expect(throws: ServiceManagerError.self) {
            try SystemctlShowParser.parse("this is not systemctl output", fallbackName: "x.service")
        }
    }
}
