/// What a retention purge removed.
public struct PurgeResult: Sendable, Hashable, Codable {
    public var healthEvents: Int
    public var downtimeIncidents: Int
    public var restartEvents: Int
    public var alerts: Int
    /// Database pages returned to the file system by the incremental vacuum.
    public var pagesVacuumed: Int

    public init(healthEvents: Int = 0, downtimeIncidents: Int = 0, restartEvents: Int = 0, alerts: Int = 0,
                pagesVacuumed: Int = 0) {
        self.healthEvents = healthEvents
        self.downtimeIncidents = downtimeIncidents
        self.restartEvents = restartEvents
        self.alerts = alerts
        self.pagesVacuumed = pagesVacuumed
    }

    /// Rows removed from all tables.
    public var totalRows: Int { healthEvents + downtimeIncidents + restartEvents + alerts }
}
