public import RelayProtocol
public import Sodium

/// An authenticated POC: who is calling, as the relay knows it.
public struct Caller: Sendable, Hashable {
    /// The POC id.
    public let pocID: POCID
    /// Its state.
    public let state: StateCode
    /// Its role.
    public let role: Role
    /// Its identity key.
    public let signingKey: SigningPublicKey

    /// Creates a caller.
    public init(pocID: POCID, state: StateCode, role: Role, signingKey: SigningPublicKey) {
        self.pocID = pocID
        self.state = state
        self.role = role
        self.signingKey = signingKey
    }

    /// True for the custodian (UNODA).
    public var isCustodian: Bool { role == .custodian }
    /// The routing-rule view of this caller.
    public var party: RoutingRule.Party { .init(state: state, role: role) }
}
