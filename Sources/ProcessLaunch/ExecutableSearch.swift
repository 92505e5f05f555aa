import Foundation

/// Finding a program as a shell would: the first executable regular file of
/// that name in the folders of a `PATH` value (relative folders are skipped).
public enum ExecutableSearch {
    /// The first executable file `name` in the folders of `path`, then of `extra`.
    public static func find(_ name: String, in path: String?, then extra: [String] = []) -> String? {
        find(anyOf: [name], in: path, then: extra)
    }

    /// The first executable file named one of `names` (in that order within
    /// each folder) in the folders of `path`, then of `extra`.
    public static func find(anyOf names: [String], in path: String?, then extra: [String] = []) -> String? {
        let folders = (path ?? "").split(separator: ":").map(String.init) + extra
        for folder in folders where folder.hasPrefix("/") {
            for name in names {
                let candidate = (folder as NSString).appendingPathComponent(name)
                if isExecutableFile(candidate) { return candidate }
            }
        }
        return nil
    }

    /// Whether `path` is a regular file (not a folder) this process may execute.
    public static func isExecutableFile(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}
