"""Reading mail: the IMAP connection and folder sync, and MIME decoding into Alerts."""
