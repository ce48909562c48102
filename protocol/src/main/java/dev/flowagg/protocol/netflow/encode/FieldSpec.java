package dev.flowagg.protocol.netflow.encode;

import dev.flowagg.protocol.netflow.InformationElement;

/**
 * One field of a template: element id, enterprise number (0 for IANA elements) and length on the wire.
 *
 * <p>Lengths are not checked, so tests can describe broken templates too.
 */
public record FieldSpec(int elementId, long enterpriseNumber, int length) {

  /** The element at its default length. */
  public static FieldSpec of(InformationElement element) {
    return new FieldSpec(element.id(), element.enterpriseNumber(), element.defaultLength());
  }

  /** The element at a chosen length: fewer bytes for reduced-size numbers, or {@link InformationElement#VARIABLE_LENGTH}. */
  public static FieldSpec of(InformationElement element, int length) {
    return new FieldSpec(element.id(), element.enterpriseNumber(), length);
  }

  /** An element the project does not name, by number; with a non-zero enterprise number in IPFIX. */
  public static FieldSpec of(long enterpriseNumber, int elementId, int length) {
    return new FieldSpec(elementId, enterpriseNumber, length);
  }

  /** A NetFlow v9 options scope field. */
  public static FieldSpec v9Scope(V9ScopeType type, int length) {
    return new FieldSpec(type.code(), 0, length);
  }

  public boolean isVariableLength() {
    return length == InformationElement.VARIABLE_LENGTH;
  }

  /** Identifies the element regardless of length, to match record values to fields. */
  long elementKey() {
    return enterpriseNumber << 16 | elementId;
  }
}
