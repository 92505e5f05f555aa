import Foundation

/// Small POSIX file operations for backup and restore: private modes,
/// exclusive creation, and `fsync` of files and folders so that what was
/// written survives a power cut.
enum Files {
    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The names in a folder (empty if it does not exist).
    static func contents(of folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// Creates `folder` (and missing parents) and makes it mode 0700.
    static func makePrivateFolder(_ folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError("cannot create \(folder): \(error.localizedDescription)")
        }
        guard chmod(folder, 0o700) == 0 else { throw CLIError("cannot make \(folder) private: \(String(cString: strerror(errno)))") }
    }

    /// Sets a file's mode.
    static func setMode(_ path: String, _ mode: mode_t) throws {
        guard chmod(path, mode) == 0 else { throw CLIError("cannot set the mode of \(path): \(String(cString: strerror(errno)))") }
    }

    /// Flushes a file or folder to disk.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CLIError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw CLIError("cannot flush \(path) to disk: \(String(cString: strerror(errno)))") }
    }

    /// Copies `source` to a new file `destination` (refusing to replace one),
    /// mode 0600, flushed to disk.
    static func copyPrivately(_ source: String, to destination: String) throws {
        guard let input = FileHandle(forReadingAtPath: source) else { throw CLIError("cannot read \(source)") }
        defer { try? input.close() }
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError("cannot create \(destination): \(String(cString: strerror(errno)))") }
        let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
            try output.synchronize()
            try output.close()
        } catch {
            throw CLIError("cannot copy \(source) to \(destination): \(error.localizedDescription)")
        }
    }

    /// Writes `data` to a new file (refusing to replace one), mode 0600, flushed to disk.
    static func writePrivately(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError("cannot create \(path): \(String(cString: strerror(errno)))") }
        let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try output.write(contentsOf: data)
            try output.synchronize()
            try output.close()
        } catch {
            throw CLIError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Removes a file if it exists.
    static func removeIfPresent(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw CLIError("cannot remove \(path): \(String(cString: strerror(errno)))") }
    }

    /// Renames atomically (same file system).
    static func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else {
            throw CLIError("cannot move \(source) to \(destination): \(String(cString: strerror(errno)))")
        }
    }

    /// A file's size in bytes.
    static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }
}
