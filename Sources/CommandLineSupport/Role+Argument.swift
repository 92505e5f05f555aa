public import ArgumentParser
public import RelayProtocol

/// `--role technical|diplomatic|custodian`, taken by both tools.
extension Role: ExpressibleByArgument {}
