// placeholder until RelayStore lands
