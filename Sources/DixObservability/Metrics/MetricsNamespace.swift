/// Checks of the namespace prefix given to every metric name.
public enum MetricsNamespace {
    /// Throws unless `namespace` is empty or matches `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func validate(_ namespace: String) throws {
        guard !namespace.isEmpty else { return }
        var first = true
        for scalar in namespace.unicodeScalars {
            let letter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
            let digit = ("0"..."9").contains(scalar)
            guard letter || (digit && !first) else {
                throw MetricsConfigurationError(
                    message: "invalid metrics namespace '\(namespace)': use letters, digits and underscores, "
                        + "not starting with a digit")
            }
            first = false
        }
    }
}
