"""FreeSWITCH event-socket adapter: codec, mapping to domain events, client, SwitchPort."""
