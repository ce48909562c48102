/**
 * NetFlow v9/IPFIX templates shared by every node and kept in the database: learned next to the kernel, spread
 * with Pekko Distributed Data, replayed into each node's kernel as template-only datagrams.
 */
package dev.flowagg.node.templates;
