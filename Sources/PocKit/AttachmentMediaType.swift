import Foundation

/// The media type a file is attached with, from its name's extension, as
/// `poc send --attach` and the web interface's upload both label it;
/// `application/octet-stream` for anything else.
public enum AttachmentMediaType {
    /// The extensions with a media type of their own (lowercase).
    public static let byExtension: [String: String] = [
        "txt": "text/plain", "csv": "text/csv", "json": "application/json", "pdf": "application/pdf", "png": "image/png",
        "jpg": "image/jpeg", "zip": "application/zip", "xml": "application/xml", "stix": "application/stix+json",
    ]

    /// The media type of a file named `name` (`scan.LOG` → `application/octet-stream`, `notes.txt` → `text/plain`).
    public static func of(fileName name: String) -> String {
        byExtension[(name as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
    }
}
