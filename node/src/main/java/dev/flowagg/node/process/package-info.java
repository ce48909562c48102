/**
 * The process around a node: the build it runs (version and commit), the exit codes it ends with, and the start
 * failures behind them. The lowest floor of the node: imports nothing from the rest of it.
 */
package dev.flowagg.node.process;
