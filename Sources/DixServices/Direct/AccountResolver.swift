#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Turns user and group names (or numeric IDs) into IDs through the system's account database.
enum AccountResolver {
    static func user(_ name: String, service: String) throws(ServiceManagerError) -> (
        uid: uid_t, primaryGroup: gid_t
    ) {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let status: Int32
        if let numeric = UInt32(name) {
            status = getpwuid_r(numeric, &entry, &buffer, buffer.count, &result)
        } else {
            status = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
        }
        guard status == 0, result != nil else {
            throw ServiceManagerError(.invalidConfiguration, service: service, "unknown user \(name)")
        }
        return (entry.pw_uid, entry.pw_gid)
    }

    static func group(_ name: String, service: String) throws(ServiceManagerError) -> gid_t {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let status: Int32
        if let numeric = UInt32(name) {
            status = getgrgid_r(numeric, &entry, &buffer, buffer.count, &result)
        } else {
            status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        }
        guard status == 0, result != nil else {
            throw ServiceManagerError(
                .invalidConfiguration, service: service, "unknown group \(name)")
        }
        return entry.gr_gid
    }
}
