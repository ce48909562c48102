package dev.flowagg.node.ingest;

/**
 * The NetFlow end-to-end tests again with FLOWAGG_NATIVE_RECEIVE=off: the native kernel (when built) fed by the Java
 * channel receiver must give the same exact totals as the batched receive.
 */
class NetflowIngestChannelReceiveTest extends NetflowIngestTest {

  @Override
  String nativeReceive() {
    return "off";
  }

  @Override
  String expectedReceive(String kernel) {
    return "java-channel";
  }
}
