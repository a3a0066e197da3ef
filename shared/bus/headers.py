"""The headers every relayed event carries besides its bytes."""

MSG_ID = "Nats-Msg-Id"
EXPECTED_LAST_SEQUENCE = "Nats-Expected-Last-Sequence"
# The chain link in headers of its own: written by the previous release, read still (shared.bus.seals).
HASH = "Chudong-Hash"
PREV_HASH = "Chudong-Prev-Hash"
ERROR = "Chudong-Error"
DELIVERIES = "Chudong-Deliveries"
ORIGINAL_SUBJECT = "Chudong-Original-Subject"
ORIGINAL_STREAM = "Chudong-Original-Stream"
ORIGINAL_SEQUENCE = "Chudong-Original-Sequence"
CONSUMER = "Chudong-Consumer"
FAILED_AT = "Chudong-Failed-At"
SEAL = "Chudong-Seal"  # the chain link and the MACs of its readers (shared.bus.seals)
LETTER_SEAL = "Chudong-Letter-Seal"
REFUSED = "Chudong-Refused"
