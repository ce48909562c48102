package dev.flowagg.protocol.netflow;

/** Why the decoder skipped part of a datagram; each occurrence is counted per exporter and version, never thrown. */
public enum DecodeError {
  /** Shorter than the header of its version (or than the version field itself); nothing decoded. */
  DATAGRAM_TOO_SHORT,
  /** The version field is not 5, 9 or 10; nothing decoded. */
  UNKNOWN_VERSION,
  /**
   * The datagram ends before the records (v5) or the message length (IPFIX) its header announces; a v5 datagram is
   * refused, of an IPFIX message what fits is decoded.
   */
  DATAGRAM_TRUNCATED,
  /**
   * IPFIX message length below the header size or shorter than the datagram (bytes past it are ignored), or a v5
   * datagram longer than its 24 + 48 × count bytes (refused).
   */
  MESSAGE_LENGTH_MISMATCH,
  /** v5 count of 0 or above 30 (the datagram is refused), or a v9 header count that differs from the records found. */
  RECORD_COUNT_MISMATCH,
  /**
   * A v5 header whose clock is not a time: nanoseconds of 10^9 or more, or an uptime reaching back to 1970 or before
   * (a clock that was never set); the datagram is refused.
   */
  EXPORT_TIME_IMPLAUSIBLE,
  /**
   * A v5 record that ends more than 100 s after the export or starts (First other than 0) after it ends; no exporter
   * sends one, so the whole datagram is refused as garbage.
   */
  RECORD_TIME_IMPLAUSIBLE,
  /** A set (flowset) length below its own 4-byte header, zero included; the rest of the datagram is unreadable. */
  SET_LENGTH_TOO_SHORT,
  /** A set length that points past the end of the datagram; the rest of the datagram is skipped. */
  SET_LENGTH_PAST_END,
  /** A set id that is neither a template set nor a data set (v9: 2..255, IPFIX: 0, 1, 4..255); the set is skipped. */
  RESERVED_SET_ID,
  /** A template record that runs past the end of its set; the rest of the set is skipped. */
  TEMPLATE_TRUNCATED,
  /** A template id below 256; the rest of the set is skipped. */
  TEMPLATE_ID_RESERVED,
  /** A v9 template or options template without fields (IPFIX uses a field count of 0 to withdraw). */
  TEMPLATE_NO_FIELDS,
  /** More fields than the configured maximum; the template is ignored. */
  TEMPLATE_TOO_MANY_FIELDS,
  /** Options template scope that is empty, larger than the field list, or not whole fields; the template is ignored. */
  TEMPLATE_SCOPE_INVALID,
  /** A field of length 0, or variable length in v9; the template is ignored. */
  TEMPLATE_FIELD_LENGTH_INVALID,
  /** A record longer than any datagram could carry; the template is ignored. */
  TEMPLATE_RECORD_TOO_LONG,
  /** The exporter already has the configured maximum of templates; the new one is ignored. */
  TEMPLATE_LIMIT_REACHED,
  /** A field the decoder reads has a length it cannot interpret (an address not 4 or 16 bytes, a number over 8); that field is skipped. */
  FIELD_LENGTH_UNSUPPORTED,
  /** A data record whose variable-length fields run past the end of its set; the rest of the set is skipped. */
  RECORD_TRUNCATED,
  /** Data for an unknown template while the exporter's waiting room is full; the set is dropped. */
  PENDING_QUEUE_FULL,
  /** Data that waited for its template longer than allowed; the set is dropped. */
  PENDING_EXPIRED,
  /** An unexpected failure inside the decoder (a bug); the rest of the datagram is skipped. */
  DECODER_FAULT
}
