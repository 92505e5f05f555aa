import Foundation
import RelayProtocol
import Testing

/// docs/protocol.md, the project's account of the wire contract, kept in
/// step with the code on the points a client needs exactly.
@Suite("docs/protocol.md agrees with the code")
struct ProtocolDocumentTests {
    static let text: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)) ?? ""
    }()

    @Test("sections 1 to 10 keep the contract's numbering, in order")
    func sections() throws {
        var searchFrom = Self.text.startIndex
        for number in 1...10 {
            let heading = try #require(
                Self.text.range(of: "\n## \(number). ", range: searchFrom..<Self.text.endIndex), "no section \(number)")
            searchFrom = heading.upperBound
        }
        #expect(Self.text.contains("\n## Decisions where the specification is silent\n"))
    }

    @Test("every domain-separation prefix is listed")
    func prefixes() {
        for prefix in DomainSeparation.all {
            let written = String(decoding: prefix.dropLast(), as: UTF8.self) + "\\n"
            #expect(Self.text.contains("`\(written)`"), "\(written)")
        }
    }

    @Test("every value of every enumeration is named")
    func enumerations() {
        let values =
            Role.allCases.map(\.rawValue) + Urgency.allCases.map(\.rawValue) + MessageType.allCases.map(\.rawValue)
            + TLPLabel.allCases.map(\.rawValue) + UNLanguage.allCases.map(\.rawValue) + EntryKind.allCases.map(\.rawValue)
            + ResponseMode.allCases.map(\.rawValue) + PingStatus.allCases.map(\.rawValue)
        for value in values { #expect(Self.text.contains("`\(value)`"), "\(value)") }
    }

    @Test("the default limits and receipt windows are the code's")
    func limits() {
        #expect(Self.text.contains("\"max_body_bytes\": \(ProtocolLimits.defaults.maxBodyBytes)"))
        #expect(Self.text.contains("\"max_recipients\": \(ProtocolLimits.defaults.maxRecipients)"))
        for urgency in Urgency.allCases {
            #expect(Self.text.contains("\"\(urgency.rawValue)\": \(urgency.defaultReceiptWindowSeconds)"), "\(urgency)")
        }
    }

    @Test("section 10 shows the vector's webhook body and signature byte for byte, and names every alert reason and channel")
    func alerts() throws {
        let vectors = try AlertVectors.load()
        #expect(Self.text.contains(vectors.alert.body))
        #expect(Self.text.contains(vectors.alert.signature))
        for value in AlertReason.allCases.map(\.rawValue) + AlertChannel.allCases.map(\.rawValue) {
            #expect(Self.text.contains("`\(value)`") || Self.text.contains("\"\(value)\""), "\(value)")
        }
        #expect(Self.text.contains("`\(AlertSignature.header): "))
    }
}
