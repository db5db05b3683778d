"""The built-in FreeSWITCH stand-in: a mod_callcenter model behind a real event socket."""
