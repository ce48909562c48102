/**
 * AWS VPC flow logs: the record formats (the default version 2 line and custom formats named by a header), the
 * port/protocol lookup table that tags records, the tag report, and conversion into {@code FlowRecord}s.
 */
package dev.flowagg.protocol.vpclog;
