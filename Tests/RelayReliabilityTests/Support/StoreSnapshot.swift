import Foundation
import GRDB
import Sodium

/// Every table of a relay store, as row count and a digest of every value,
/// read through a read-only connection of its own while the relay runs.
struct StoreSnapshot: Equatable, CustomStringConvertible {
    struct Table: Equatable {
        let rows: Int
        let digest: Data
    }

    let tables: [String: Table]

    /// Reads the store at `path` (read-only; WAL lets it run beside the relay's writer).
    static func take(_ path: String) throws -> StoreSnapshot {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "snapshot"
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let names = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            var tables: [String: Table] = [:]
            for name in names {
                var hasher = SHA256()
                var rows = 0
                let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \"\(name)\" ORDER BY rowid")
                while let row = try cursor.next() {
                    rows += 1
                    for value in row.databaseValues {
                        switch value.storage {
                        case .null: hasher.update(Data("N;".utf8))
                        case .int64(let number): hasher.update(Data("I\(number);".utf8))
                        case .double(let number): hasher.update(Data("D\(number);".utf8))
                        case .string(let text): hasher.update(Data("S\(text.utf8.count):\(text);".utf8))
                        case .blob(let bytes): hasher.update(Data("B\(bytes.count):".utf8) + bytes)
                        }
                    }
                    hasher.update(Data("\n".utf8))
                }
                tables[name] = Table(rows: rows, digest: hasher.finalize())
            }
            return StoreSnapshot(tables: tables)
        }
    }

    /// The tables whose rows differ between `self` and `other`.
    func changedTables(_ other: StoreSnapshot) -> Set<String> {
        Set(tables.keys).union(other.tables.keys).filter { tables[$0] != other.tables[$0] }
    }

    var description: String {
        tables.keys.sorted().map { "\($0): \(tables[$0]!.rows)" }.joined(separator: ", ")
    }
}
