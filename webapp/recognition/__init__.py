"""认定 and after: recording the recognition document, certificates with public verification, revocation, the
repeat-application rule with earlier years' lists, and 复核 of recognised enterprises in a later campaign."""
