/// A large optional field that is rarely set, kept in a box of its own, so that the value
/// holding it stays small: steps and writes are copied several times on every step, and the
/// fields of a child's start or a run's close made each copy several hundred bytes long.
@propertyWrapper
package struct OutOfLine<Wrapped: Sendable>: Sendable {
    private final class Box: Sendable {
        let value: Wrapped
        init(_ value: Wrapped) { self.value = value }
    }

    private var box: Box?

    package init(wrappedValue: Wrapped?) {
        box = wrappedValue.map(Box.init)
    }

    package var wrappedValue: Wrapped? {
        get { box?.value }
        set { box = newValue.map(Box.init) }
    }
}
