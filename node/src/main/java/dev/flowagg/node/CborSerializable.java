package dev.flowagg.node;

/** Marker for messages, events and snapshots that Pekko serializes with Jackson CBOR (see flowagg.conf). */
public interface CborSerializable {}
