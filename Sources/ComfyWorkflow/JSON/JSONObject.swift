/// A JSON object that keeps its keys in insertion order.
///
/// ComfyUI graphs are written back in the order they were read, so an edit changes only the
/// edited values. Lookups are by key through an index; duplicate keys in parsed input keep the
/// last value at the first position, as Python's `json` module does.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One key and its value.
    public typealias Element = (key: String, value: JSONValue)

    private var storageKeys: [String] = []
    private var storageValues: [JSONValue] = []
    private var index: [String: Int] = [:]

    /// An empty object.
    public init() {}

    /// An object from key/value pairs in order; a repeated key keeps its first position and last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        for (k, v) in pairs { self[k] = v }
    }

    /// An object from a dictionary literal, in literal order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        for (k, v) in elements { self[k] = v }
    }

    /// The keys in order.
    public var keys: [String] { storageKeys }
    /// The values in key order.
    public var values: [JSONValue] { storageValues }
    /// The number of keys.
    public var count: Int { storageKeys.count }
    /// True when the object has no keys.
    public var isEmpty: Bool { storageKeys.isEmpty }

    /// The value for `key`; setting nil removes the key, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { index[key].map { storageValues[$0] } }
        set {
            if let newValue {
                if let i = index[key] { storageValues[i] = newValue } else {
                    index[key] = storageKeys.count
                    storageKeys.append(key)
                    storageValues.append(newValue)
                }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Removes `key` and returns its value, keeping the order of the others.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = index[key] else { return nil }
        let old = storageValues[i]
        storageKeys.remove(at: i)
        storageValues.remove(at: i)
        index[key] = nil
        for j in i..<storageKeys.count { index[storageKeys[j]] = j }
        return old
    }

    /// True when `key` is present.
    public func contains(_ key: String) -> Bool { index[key] != nil }

    /// Iterates the pairs in order.
    public func makeIterator() -> AnyIterator<Element> {
        var i = 0
        let ks = storageKeys, vs = storageValues
        return AnyIterator {
            guard i < ks.count else { return nil }
            defer { i += 1 }
            return (ks[i], vs[i])
        }
    }

    /// Two objects are equal when they hold the same keys in the same order with equal values.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.storageKeys == rhs.storageKeys && lhs.storageValues == rhs.storageValues
    }

    /// Hashes keys and values in order.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storageKeys)
        hasher.combine(storageValues)
    }
}
