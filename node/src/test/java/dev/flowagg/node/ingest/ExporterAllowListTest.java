package dev.flowagg.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.classify.Prefix;
import dev.flowagg.protocol.net.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExporterAllowListTest {

  private static IpAddress ip(String text) {
    return IpAddress.parse(text);
  }

  @Test
  void anEmptyListAdmitsEveryone() {
    ExporterAllowList all = ExporterAllowList.of(List.of());
    assertThat(all.admitsAll()).isTrue();
    assertThat(all.admits(ip("203.0.113.9"))).isTrue();
    assertThat(all.admits(ip("2001:db8::1"))).isTrue();
  }

  @Test
  void onlyAddressesInsideAPrefixAreAdmittedWhateverTheOrderTheyComeIn() {
    ExporterAllowList list = ExporterAllowList.of(List.of(Prefix.parse("10.1.0.0/16"), Prefix.parse("2001:db8::/32"), Prefix.parse("192.0.2.7")));
    String[] sources = {"10.1.2.3", "10.1.2.3", "10.2.0.1", "10.1.255.255", "192.0.2.7", "192.0.2.8", "2001:db8:ffff::1",
        "2001:db9::1", "::ffff:10.1.0.1", "10.2.0.1"};
    boolean[] admitted = {true, true, false, true, true, false, true, false, true, false};
    for (int i = 0; i < sources.length; i++) {
      assertThat(list.admits(ip(sources[i]))).as(sources[i]).isEqualTo(admitted[i]);
    }
  }

  @Test
  void anIpv4PrefixNeverAdmitsIpv6() {
    ExporterAllowList list = ExporterAllowList.of(List.of(Prefix.parse("0.0.0.0/0")));
    assertThat(list.admits(ip("198.51.100.1"))).isTrue();
    assertThat(list.admits(ip("2001:db8::1"))).isFalse();
  }

  @Test
  void droppedSourcesAreCountedOneByOneUpToABoundThenTogether() {
    DroppedSources dropped = new DroppedSources();
    for (int i = 0; i < DroppedSources.MAX_SOURCES + 10; i++) {
      dropped.count(IpAddress.ofV4(0x0A00_0000 + i));
    }
    dropped.count(IpAddress.ofV4(0x0A00_0000));
    assertThat(dropped.total()).isEqualTo(DroppedSources.MAX_SOURCES + 11);
    assertThat(dropped.bySource()).hasSize(DroppedSources.MAX_SOURCES);
    assertThat(dropped.bySource().getFirst()).isEqualTo(new DroppedSources.Count(ip("10.0.0.0"), 2));
    assertThat(dropped.untracked()).isEqualTo(10);
  }

  @Test
  void eachReportHasOnlyWhatWasDroppedSinceTheLastOne() {
    DroppedSources dropped = new DroppedSources();
    dropped.count(ip("10.0.0.1"));
    dropped.count(ip("10.0.0.2"));
    dropped.count(ip("10.0.0.2"));
    assertThat(dropped.sinceLastReport())
        .containsExactly(new DroppedSources.Count(ip("10.0.0.2"), 2), new DroppedSources.Count(ip("10.0.0.1"), 1));
    assertThat(dropped.sinceLastReport()).isEmpty();
    dropped.count(ip("10.0.0.1"));
    assertThat(dropped.sinceLastReport()).containsExactly(new DroppedSources.Count(ip("10.0.0.1"), 1));
  }
}
