import Foundation
import HTTPTypes
import Hummingbird
import PocKit
import RelayProtocol

/// An attachment of a message in the record, offered as a download: always
/// `application/octet-stream` with `Content-Disposition: attachment` (the
/// browser never renders what the sender sent), under a file name the browser
/// is asked to use as it is, with a plain ASCII fallback.
enum AttachmentDownload {
    static func response(client: PocClient, id: MessageID, index: String?) throws -> Response {
        guard let recorded = try? client.recorded(id), recorded.entry.direction == .received, recorded.entry.receiptSent,
            let index = index.flatMap({ Int($0) }), let attachments = recorded.inner.attachments, attachments.indices.contains(index)
        else { throw HTTPError(.notFound) }
        let attachment = attachments[index]
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream", .contentDisposition: disposition(attachment.name), .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: attachment.data.data)))
    }

    /// `attachment; filename="ASCII"; filename*=UTF-8''PERCENT` (RFC 6266): the
    /// fallback keeps letters, digits, `.`, `-` and `_` and writes `_` for the
    /// rest (no quote, no separator, no control character); a name
    /// ``AttachmentSaver`` would refuse becomes `attachment`.
    static func disposition(_ name: String) -> String {
        guard AttachmentSaver.refusal(of: name) == nil else { return #"attachment; filename="attachment""# }
        let fallback = String(
            name.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || ".-_".unicodeScalars.contains(scalar)) ? Character(scalar) : "_"
            })
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
