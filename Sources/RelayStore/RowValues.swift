import Foundation
internal import GRDB

extension Row {
    /// The text column `column` as a value of an enumeration, or an
    /// ``StoreError/Code/unreadableRow`` error naming the table's column (never
    /// a silent default: a row that cannot be read fails the read).
    ///
    /// - Parameters:
    ///   - column: The column name.
    ///   - type: The enumeration.
    func value<Value: RawRepresentable>(_ column: String, as type: Value.Type) throws -> Value where Value.RawValue == String {
        let raw: String? = self[column]
        guard let raw, let value = Value(rawValue: raw) else {
            throw StoreError(.unreadableRow, reason: "column \(column) holds a value that is not a \(Value.self)")
        }
        return value
    }

    /// The optional integer column `column` as a time.
    func date(_ column: String) -> Date? {
        (self[column] as Int64?).map(Date.init(unixSeconds:))
    }
}
