/** Command-line subcommands of the node's main program. */
package dev.flowagg.node.cli;
