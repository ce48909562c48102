/**
 * Classification shared by every input: which endpoint is the server, which app an address belongs to, and which
 * VPC a flow was seen in.
 */
package dev.flowagg.protocol.classify;
