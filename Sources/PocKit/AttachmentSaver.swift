import Foundation
public import RelayProtocol

/// Saves a message's attachments into a folder for `poc read --save-attachments`:
/// creates the folder, never writes outside it, and refuses to replace a file
/// unless forced.
public struct AttachmentSaver: Sendable {
    /// The folder to save into (created with mode 0700 if missing).
    public let folder: String
    /// Replace files that already exist.
    public let force: Bool

    /// Creates a saver.
    public init(folder: String, force: Bool) {
        self.folder = folder
        self.force = force
    }

    /// Why an attachment name cannot be a file name in the folder, or nil if it can.
    public static func refusal(of name: String) -> String? {
        if name.isEmpty || name == "." { return "it is empty" }
        if name.contains("/") || name.contains("\\") { return "it contains a path separator" }
        if name.contains("..") { return "it contains \"..\"" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "it contains a NUL or control character" }
        return nil
    }

    /// Saves every attachment, checking all names (and, without `force`,
    /// that no file exists) before writing any.
    /// - Returns: The paths written, in order.
    /// - Throws: a usage error naming the attachment or file refused; a
    ///   failure with the system's reason when the folder or a file cannot be written.
    public func save(_ attachments: [Attachment]) throws(PocError) -> [String] {
        guard !attachments.isEmpty else { return [] }
        var seen = Set<String>()
        for attachment in attachments {
            if let reason = Self.refusal(of: attachment.name) {
                throw PocError(
                    "not saving attachment \(String(reflecting: attachment.name)): \(reason)", hint: "nothing was saved; the sender chose the name",
                    status: .dataError)
            }
            guard seen.insert(attachment.name).inserted else {
                throw PocError("not saving: two attachments are named \(String(reflecting: attachment.name))", status: .dataError)
            }
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw PocError("cannot save into \(folder): it is a file, not a folder", status: .usage) }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw PocError("cannot create the folder \(folder): \(Self.reason(error))")
            }
        }
        let paths = attachments.map { (folder as NSString).appendingPathComponent($0.name) }
        if !force, let existing = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw PocError(
                "\(existing) already exists; nothing was saved", hint: "add --force to replace it, or choose another folder", status: .usage)
        }
        var saved: [String] = []
        for (attachment, path) in zip(attachments, paths) {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0o600)
            guard descriptor >= 0 else { throw PocError("cannot save \(path): \(String(cString: strerror(errno)))") }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            do {
                try handle.write(contentsOf: attachment.data.data)
                try handle.close()
            } catch {
                throw PocError("cannot save \(path): \(Self.reason(error))")
            }
            saved.append(path)
        }
        return saved
    }

    private static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(underlying.code))) }
        return error.localizedDescription
    }
}
