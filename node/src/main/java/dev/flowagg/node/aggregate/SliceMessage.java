package dev.flowagg.node.aggregate;

/** Marker for what {@link SliceSerializer} writes: the flow slices' commands, replies, events and snapshots. */
public interface SliceMessage {}
