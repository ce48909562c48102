/** The JSON flow record accepted by {@code POST /flows} and its validation. */
package dev.flowagg.protocol.flow;
