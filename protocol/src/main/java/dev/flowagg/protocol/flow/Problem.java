package dev.flowagg.protocol.flow;

/**
 * What is wrong with one part of a request: the record's index in the request (or -1 for the request as a whole),
 * the field (or null when the whole record is wrong) and the problem in words.
 */
public record Problem(int index, String field, String problem) {}
