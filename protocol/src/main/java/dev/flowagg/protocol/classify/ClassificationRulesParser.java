package dev.flowagg.protocol.classify;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the human-edited classification rules file.
 *
 * <p>The file is made of sections; each starts with a line holding only the section name in brackets. Inside a
 * section every non-blank line is one rule of words separated by spaces or tabs. {@code #} starts a comment that runs
 * to the end of the line.
 *
 * <pre>
 * [apps]            # PREFIX APP: addresses in PREFIX belong to APP; the longest matching prefix wins
 * 10.1.0.0/16       billing
 * 10.1.7.0/24       billing-db
 * 2001:db8:7::/48   web
 * 192.0.2.53        dns           # a bare address is one host (/32, or /128 for IPv6)
 *
 * [exporters]       # PREFIX VPC_ID: NetFlow/IPFIX exporters in PREFIX report flows of VPC_ID
 * 198.51.100.0/24   vpc-edge
 *
 * [interfaces]      # INTERFACE_ID VPC_ID: VPC flow-log records of this network interface belong to VPC_ID
 * eni-0a1b2c3d      vpc-0f00ba4
 *
 * [service-ports]   # PORT or FIRST-LAST, several per line allowed: added to the default service ports
 * 8000-8099 15672
 * </pre>
 *
 * <p>Prefixes are IPv4 or IPv6 CIDR blocks with no address bits set past the prefix length. A key given twice with
 * different values is an error naming both lines; the same rule repeated is harmless. Names are single words
 * (no spaces). Sections may appear in any order and more than once.
 */
public final class ClassificationRulesParser {

  private static final List<String> SECTIONS = List.of("apps", "exporters", "interfaces", "service-ports");

  private ClassificationRulesParser() {}

  /** The rules in {@code text}; throws {@link RulesFileException} naming the first line that is wrong. */
  public static ClassificationRules parse(String text) {
    ClassificationRules.Builder rules = ClassificationRules.builder();
    ServicePorts ports = ServicePorts.defaults();
    // Where each key was first given, to name both lines when a later line contradicts it.
    Map<String, Rule> seen = new HashMap<>();
    String section = null;
    int lineNumber = 0;
    for (String rawLine : text.split("\r?\n|\r", -1)) {
      lineNumber++;
      String line = withoutComment(rawLine).strip();
      if (lineNumber == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("[")) {
        section = sectionName(line, lineNumber);
        continue;
      }
      if (section == null) {
        throw new RulesFileException(lineNumber, "a rule before any section; start with one of " + sectionList());
      }
      String[] words = line.split("[ \t]+");
      try {
        switch (section) {
          case "apps" -> {
            Prefix prefix = Prefix.parse(expectPair(words, "PREFIX APP")[0]);
            if (remember(seen, "app " + prefix, words[1], lineNumber, prefix + " is already the app")) {
              rules.app(prefix, words[1]);
            }
          }
          case "exporters" -> {
            Prefix prefix = Prefix.parse(expectPair(words, "PREFIX VPC_ID")[0]);
            if (remember(seen, "exporter " + prefix, words[1], lineNumber, "exporters in " + prefix + " are already in")) {
              rules.exporterVpc(prefix, words[1]);
            }
          }
          case "interfaces" -> {
            String interfaceId = expectPair(words, "INTERFACE_ID VPC_ID")[0];
            if (remember(seen, "interface " + interfaceId, words[1], lineNumber, interfaceId + " is already in")) {
              rules.interfaceVpc(interfaceId, words[1]);
            }
          }
          case "service-ports" -> {
            for (String word : words) {
              ports = withPorts(ports, word);
            }
          }
          default -> throw new IllegalStateException("unhandled section " + section);
        }
      } catch (RulesFileException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new RulesFileException(lineNumber, e.getMessage());
      }
    }
    return rules.servicePorts(ports).build();
  }

  private record Rule(String value, int lineNumber) {}

  /** Records a rule; false when the same rule was already given, an error when a different one was. */
  private static boolean remember(Map<String, Rule> seen, String key, String value, int lineNumber, String clash) {
    Rule earlier = seen.putIfAbsent(key, new Rule(value, lineNumber));
    if (earlier == null) {
      return true;
    }
    if (earlier.value.equals(value)) {
      return false;
    }
    throw new RulesFileException(
        lineNumber, clash + " '" + earlier.value + "' (line " + earlier.lineNumber + "), not '" + value + "'");
  }

  private static String[] expectPair(String[] words, String shape) {
    if (words.length != 2) {
      throw new IllegalArgumentException(
          "expected two words, " + shape + ", found " + words.length + ": '" + String.join(" ", words) + "'");
    }
    return words;
  }

  private static ServicePorts withPorts(ServicePorts ports, String word) {
    int dash = word.indexOf('-');
    if (dash < 0) {
      return ports.with(port(word));
    }
    return ports.withRange(port(word.substring(0, dash)), port(word.substring(dash + 1)));
  }

  private static int port(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("'" + text + "' is not a port number");
    }
    int port = Integer.parseInt(text);
    ServicePorts.checkPort(port);
    return port;
  }

  private static String sectionName(String line, int lineNumber) {
    if (!line.endsWith("]")) {
      throw new RulesFileException(lineNumber, "a section line is [name], found '" + line + "'");
    }
    String name = line.substring(1, line.length() - 1).strip();
    if (!SECTIONS.contains(name)) {
      throw new RulesFileException(lineNumber, "unknown section [" + name + "]; expected one of " + sectionList());
    }
    return name;
  }

  private static String sectionList() {
    return String.join(", ", SECTIONS.stream().map(s -> "[" + s + "]").toList());
  }

  private static String withoutComment(String line) {
    int hash = line.indexOf('#');
    return hash < 0 ? line : line.substring(0, hash);
  }
}
