package dev.flowagg.node.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.InformationElement;
import dev.flowagg.protocol.netflow.encode.FieldSpec;
import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.RecordSpec;
import dev.flowagg.protocol.netflow.encode.V9ScopeType;
import dev.flowagg.protocol.netflow.encode.NetflowV9DatagramBuilder;
import dev.flowagg.protocol.netflow.encode.TemplateSpec;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which templates in received datagrams are worth telling the cluster about. */
class TemplateLearnerTest {

  private static final long MINUTE = 60_000;
  private static final TemplateSpec FLOWS =
      TemplateSpec.of(256, InformationElement.SOURCE_IPV4_ADDRESS, InformationElement.OCTET_DELTA_COUNT);
  private static final TemplateSpec FLOWS_REDEFINED =
      TemplateSpec.of(256, InformationElement.OCTET_DELTA_COUNT, InformationElement.SOURCE_IPV4_ADDRESS);
  private static final TemplateSpec OTHER = TemplateSpec.of(257, InformationElement.DESTINATION_IPV4_ADDRESS);

  private final TemplateLearner learner = new TemplateLearner(Duration.ofMinutes(30));
  private final DatagramBatch batch = new DatagramBatch(8, 1 << 17);

  @AfterEach
  void close() {
    batch.close();
  }

  private Map<TemplateKey, SharedTemplate> receive(String exporter, byte[] datagram, long at) {
    batch.clear();
    batch.add(datagram, 0, datagram.length, IpAddress.parse(exporter), at);
    return learner.learn(batch);
  }

  private static byte[] v9(long sourceId, TemplateSpec... templates) {
    return NetflowV9DatagramBuilder.create().sourceId(sourceId).templates(templates).build();
  }

  @Test
  void aNewTemplateIsSharedItsRefreshesOnlyEveryThirdOfALifetime() {
    assertThat(receive("192.0.2.1", v9(1, FLOWS), 0)).containsOnlyKeys(new TemplateKey("192.0.2.1", 9, 1, 256));
    assertThat(receive("192.0.2.1", v9(1, FLOWS), MINUTE)).isEmpty();
    assertThat(receive("192.0.2.1", v9(1, FLOWS), 9 * MINUTE)).isEmpty();
    Map<TemplateKey, SharedTemplate> refreshed = receive("192.0.2.1", v9(1, FLOWS), 10 * MINUTE);
    assertThat(refreshed.values()).extracting(SharedTemplate::lastSeenMillis).containsExactly(10 * MINUTE);
  }

  @Test
  void aRedefinitionIsSharedAtOnce() {
    receive("192.0.2.1", v9(1, FLOWS), 0);
    assertThat(receive("192.0.2.1", v9(1, FLOWS_REDEFINED), 1)).hasSize(1);
  }

  @Test
  void templatesAreScopedByExporterAndDomain() {
    receive("192.0.2.1", v9(1, FLOWS), 0);
    assertThat(receive("192.0.2.2", v9(1, FLOWS), 1)).containsOnlyKeys(new TemplateKey("192.0.2.2", 9, 1, 256));
    assertThat(receive("192.0.2.1", v9(2, FLOWS), 2)).containsOnlyKeys(new TemplateKey("192.0.2.1", 9, 2, 256));
  }

  @Test
  void aTemplateAnotherNodeSharedIsNotSharedBack() {
    learner.replayed(new TemplateKey("192.0.2.1", 9, 1, 256), new SharedTemplate(false, record(v9(1, FLOWS)), 0, null));
    assertThat(receive("192.0.2.1", v9(1, FLOWS), 1)).isEmpty();
  }

  @Test
  void anIpfixWithdrawAllBecomesOneWithdrawalPerKnownTemplate() {
    receive("192.0.2.1", IpfixMessageBuilder.create().observationDomain(3).templates(FLOWS, OTHER).build(), 0);
    Map<TemplateKey, SharedTemplate> withdrawn =
        receive("192.0.2.1", IpfixMessageBuilder.create().observationDomain(3).withdrawAllTemplates().build(), 1);
    assertThat(withdrawn).containsOnlyKeys(
        new TemplateKey("192.0.2.1", 10, 3, 256), new TemplateKey("192.0.2.1", 10, 3, 257));
    assertThat(withdrawn.values()).allMatch(SharedTemplate::isWithdrawal);
  }

  @Test
  void dataOnlyAndV5DatagramsShareNothing() {
    byte[] v5 = dev.flowagg.protocol.netflow.encode.NetflowV5DatagramBuilder.create().build();
    assertThat(receive("192.0.2.1", v5, 0)).isEmpty();
    assertThat(receive("192.0.2.1", NetflowV9DatagramBuilder.create().sourceId(1).build(), 0)).isEmpty();
  }

  @Test
  void optionsDataIsSharedWithItsTemplateWhenItChanges() {
    TemplateSpec sampling = TemplateSpec.options(300,
        java.util.List.of(FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4)), java.util.List.of(FieldSpec.of(InformationElement.SAMPLING_INTERVAL)));
    TemplateKey key = new TemplateKey("192.0.2.1", 9, 1, 300);
    assertThat(receive("192.0.2.1", NetflowV9DatagramBuilder.create().sourceId(1).optionsTemplates(sampling).build(), 0))
        .containsOnlyKeys(key);
    Map<TemplateKey, SharedTemplate> rate64 = receive("192.0.2.1", NetflowV9DatagramBuilder.create().sourceId(1)
        .data(sampling, RecordSpec.empty().with(InformationElement.SAMPLING_INTERVAL, 64)).build(), 1);
    assertThat(rate64).containsOnlyKeys(key);
    assertThat(rate64.get(key).hasOptionsData()).isTrue();
    assertThat(receive("192.0.2.1", NetflowV9DatagramBuilder.create().sourceId(1)
        .data(sampling, RecordSpec.empty().with(InformationElement.SAMPLING_INTERVAL, 64)).build(), 2)).isEmpty();
    assertThat(receive("192.0.2.1", NetflowV9DatagramBuilder.create().sourceId(1)
        .data(sampling, RecordSpec.empty().with(InformationElement.SAMPLING_INTERVAL, 128)).build(), 3)).containsOnlyKeys(key);
    // A refresh of the unchanged options template keeps the options data that came with it.
    assertThat(receive("192.0.2.1", NetflowV9DatagramBuilder.create().sourceId(1).optionsTemplates(sampling).build(), 4))
        .isEmpty();
  }

  /** The template record inside a template-only datagram with one template: after the v9 header and set header. */
  private static byte[] record(byte[] datagram) {
    return java.util.Arrays.copyOfRange(datagram, 24, datagram.length);
  }
}
