package dev.flowagg.node;

import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.nativeagg.NativeLibraryLoader;
import dev.flowagg.node.ingest.IngestStatus;
import dev.flowagg.node.process.BuildInfo;
import dev.flowagg.node.settings.Classification;
import dev.flowagg.node.settings.NodeSettings;

/**
 * The one line a node logs when it serves: its version, where it listens (HTTP, NetFlow, cluster), its storage, its
 * NetFlow kernel, the files it loaded and what its security settings protect.
 */
record StartSummary(
    BuildInfo build,
    NodeSettings settings,
    int httpPort,
    boolean https,
    IngestStatus ingest,
    String clusterAddress,
    Classification classification,
    String security) {

  String line() {
    return "flowagg " + build.text() + " serving"
        + "; HTTP " + (https ? "https://" : "http://") + hostPort(settings.httpHost(), httpPort)
        + "; NetFlow " + netflow()
        + "; cluster " + clusterAddress + " " + cluster()
        + "; storage " + settings.database().description()
        + "; files " + (classification.filesLoaded().isEmpty() ? "none" : String.join(", ", classification.filesLoaded()))
        + "; security: " + security;
  }

  private String netflow() {
    if (!ingest.enabled()) {
      return "off";
    }
    String kernel = ingest.kernel() == FlowKernel.Kind.NATIVE
        ? "native kernel " + NativeLibraryLoader.build()
        : ingest.kernel().label() + " kernel";
    String exporters = settings.ingest().netflowAllow().isEmpty()
        ? "every exporter"
        : settings.ingest().netflowAllow().size() + " allowed prefixes";
    return "udp " + hostPort(settings.ingest().netflowHost(), ingest.port())
        + " (" + kernel + ", read with " + ingest.receive() + ", from " + exporters + ")";
  }

  private String cluster() {
    if (settings.seedNodes().isEmpty()) {
      return "(single node)";
    }
    return "(seed nodes "
        + String.join(",", settings.seedNodes().stream().map(s -> s.substring(s.indexOf('@') + 1)).toList()) + ")";
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
