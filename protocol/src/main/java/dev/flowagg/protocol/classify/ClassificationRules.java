package dev.flowagg.protocol.classify;

import dev.flowagg.protocol.net.IpAddress;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * What an operator has said about the network: address prefixes that name apps, exporters and interfaces that name
 * VPCs, and extra service ports. Immutable once built and safe to share between threads.
 *
 * <p>Without a matching rule an address stands for itself (its canonical text form is the app name) and an exporter's
 * address is the VPC id. The file format is described in {@link ClassificationRulesParser}.
 */
public final class ClassificationRules {

  private final PrefixMap<String> apps;
  private final PrefixMap<String> exporterVpcs;
  private final Map<String, String> interfaceVpcs;
  private final Orientation orientation;
  private final AddressText addressText = new AddressText();

  private ClassificationRules(Builder builder) {
    this.apps = builder.apps;
    this.exporterVpcs = builder.exporterVpcs;
    this.interfaceVpcs = Map.copyOf(builder.interfaceVpcs);
    this.orientation = new Orientation(builder.servicePorts);
  }

  /** No rules: every address is its own app, every exporter its own VPC, default service ports. */
  public static ClassificationRules empty() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Parses rules in the file format of {@link ClassificationRulesParser}. */
  public static ClassificationRules parse(String text) {
    return ClassificationRulesParser.parse(text);
  }

  /** Reads rules from a UTF-8 file in the format of {@link ClassificationRulesParser}. */
  public static ClassificationRules load(Path file) throws IOException {
    return ClassificationRulesParser.parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Reads rules from {@code reader} in the format of {@link ClassificationRulesParser}. */
  public static ClassificationRules read(Reader reader) throws IOException {
    StringWriter text = new StringWriter();
    reader.transferTo(text);
    return ClassificationRulesParser.parse(text.toString());
  }

  /** The app of {@code address}: the longest matching prefix rule, else the address in canonical text form. */
  public String appOf(IpAddress address) {
    String app = apps.longestMatch(address);
    return app != null ? app : addressText.of(address);
  }

  /** The app named by the longest prefix rule containing {@code address}, or null when no rule does. */
  public String appRuleFor(IpAddress address) {
    return apps.longestMatch(address);
  }

  /** The canonical text form of {@code address}, as used when no rule names it. */
  public String textOf(IpAddress address) {
    return addressText.of(address);
  }

  /** The VPC of flows sent by {@code exporter}: the longest matching exporter rule, else the exporter's address. */
  public String vpcOfExporter(IpAddress exporter) {
    String vpc = exporterVpcs.longestMatch(exporter);
    return vpc != null ? vpc : addressText.of(exporter);
  }

  /** The VPC an interface rule names for {@code interfaceId} (an {@code eni-...} id in VPC flow logs). */
  public Optional<String> vpcOfInterface(String interfaceId) {
    return Optional.ofNullable(interfaceVpcs.get(interfaceId));
  }

  /** Hands every app prefix rule to {@code action}, so another implementation can build the same lookup. */
  public void forEachAppRule(BiConsumer<Prefix, String> action) {
    apps.forEach(action);
  }

  /** Hands every exporter-to-VPC prefix rule to {@code action}. */
  public void forEachExporterVpcRule(BiConsumer<Prefix, String> action) {
    exporterVpcs.forEach(action);
  }

  public ServicePorts servicePorts() {
    return orientation.servicePorts();
  }

  /** Orientation by this rule set's service ports. */
  public Orientation orientation() {
    return orientation;
  }

  /** Collects rules; later rules for the same key replace earlier ones. */
  public static final class Builder {
    private final PrefixMap<String> apps = new PrefixMap<>();
    private final PrefixMap<String> exporterVpcs = new PrefixMap<>();
    private final Map<String, String> interfaceVpcs = new HashMap<>();
    private ServicePorts servicePorts = ServicePorts.defaults();
    private boolean built;

    private Builder() {}

    /** Addresses inside {@code prefix} (CIDR text, or a bare address for one host) belong to {@code app}. */
    public Builder app(String prefix, String app) {
      return app(Prefix.parse(prefix), app);
    }

    public Builder app(Prefix prefix, String app) {
      checkNotBuilt();
      apps.put(prefix, checkName(app, "app"));
      return this;
    }

    /** Flows exported by an address inside {@code prefix} were seen in {@code vpcId}. */
    public Builder exporterVpc(String prefix, String vpcId) {
      return exporterVpc(Prefix.parse(prefix), vpcId);
    }

    public Builder exporterVpc(Prefix prefix, String vpcId) {
      checkNotBuilt();
      exporterVpcs.put(prefix, checkName(vpcId, "vpc id"));
      return this;
    }

    /** Flows logged for network interface {@code interfaceId} were seen in {@code vpcId}. */
    public Builder interfaceVpc(String interfaceId, String vpcId) {
      checkNotBuilt();
      interfaceVpcs.put(checkName(interfaceId, "interface id"), checkName(vpcId, "vpc id"));
      return this;
    }

    /** Replaces the service ports (the defaults until this is called). */
    public Builder servicePorts(ServicePorts ports) {
      checkNotBuilt();
      this.servicePorts = Objects.requireNonNull(ports, "ports");
      return this;
    }

    /** Hands every app prefix rule to {@code action}, so another implementation can build the same lookup. */
  public void forEachAppRule(BiConsumer<Prefix, String> action) {
    apps.forEach(action);
  }

  /** Hands every exporter-to-VPC prefix rule to {@code action}. */
  public void forEachExporterVpcRule(BiConsumer<Prefix, String> action) {
    exporterVpcs.forEach(action);
  }

  public ServicePorts servicePorts() {
      return servicePorts;
    }

    public ClassificationRules build() {
      checkNotBuilt();
      built = true;
      return new ClassificationRules(this);
    }

    // The tries are handed over, not copied, so a builder builds once.
    private void checkNotBuilt() {
      if (built) {
        throw new IllegalStateException("this builder has already built its rules");
      }
    }

    private static String checkName(String name, String what) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("an empty " + what);
      }
      return name;
    }
  }
}
