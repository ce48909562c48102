package dev.flowagg.protocol.netflow;

import java.util.Arrays;

/**
 * A template turned once, when it is defined, into a plan for its data records: the position, length and role of
 * every field the decoder reads; all other fields are skipped by their length.
 */
final class CompiledTemplate {

  final int templateId;
  final boolean options;
  final int fieldCount;
  /** Field lengths in template order; {@link InformationElement#VARIABLE_LENGTH} for variable-length fields. */
  final int[] lengths;
  final boolean variableLength;
  /** The record length of a fixed-length template; the shortest possible record otherwise. */
  final int recordLength;
  final int slotCount;
  /** For each field read: its index, offset in the record (fixed-length templates only), length and role. */
  final int[] slotField;
  final int[] slotOffset;
  final int[] slotLength;
  final FieldRole[] slotRole;
  /** A bit per role the template's records carry ({@link FieldRole#bit}). */
  final long roles;
  /** Fields the decoder would read but whose length it cannot interpret. */
  final int unsupportedFields;
  private final int scopeFieldCount;
  private final int[] elementIds;
  private final long[] enterpriseNumbers;
  long lastSeenMillis;

  private CompiledTemplate(int version, TemplateDefinition d, long nowMillis) {
    templateId = d.templateId;
    options = d.options;
    scopeFieldCount = d.scopeFieldCount;
    fieldCount = d.fieldCount;
    elementIds = Arrays.copyOf(d.elementIds, fieldCount);
    enterpriseNumbers = Arrays.copyOf(d.enterpriseNumbers, fieldCount);
    lengths = Arrays.copyOf(d.lengths, fieldCount);
    slotField = new int[fieldCount];
    slotOffset = new int[fieldCount];
    slotLength = new int[fieldCount];
    slotRole = new FieldRole[fieldCount];
    int slots = 0;
    long roleBits = 0;
    int unsupported = 0;
    int offset = 0;
    boolean variable = false;
    for (int i = 0; i < fieldCount; i++) {
      int length = lengths[i];
      boolean isVariable = length == InformationElement.VARIABLE_LENGTH;
      FieldRole role = FieldRole.of(version, options && i < scopeFieldCount, enterpriseNumbers[i], elementIds[i]);
      if (role != null && (isVariable || !role.accepts(length))) {
        unsupported++;
      } else if (role != null) {
        slotField[slots] = i;
        slotOffset[slots] = variable ? -1 : offset;
        slotLength[slots] = length;
        slotRole[slots] = role;
        roleBits |= role.bit;
        slots++;
      }
      variable |= isVariable;
      offset += isVariable ? 1 : length;
    }
    slotCount = slots;
    roles = roleBits;
    unsupportedFields = unsupported;
    variableLength = variable;
    recordLength = offset;
    lastSeenMillis = nowMillis;
  }

  /** Compiles a definition that {@link TemplateDefinition#problem} accepted. */
  static CompiledTemplate compile(int version, TemplateDefinition definition, long nowMillis) {
    return new CompiledTemplate(version, definition, nowMillis);
  }

  /** True when the definition is this template sent again (a refresh rather than a redefinition). */
  boolean sameAs(TemplateDefinition d) {
    return d.options == options
        && d.scopeFieldCount == scopeFieldCount
        && d.fieldCount == fieldCount
        && Arrays.equals(d.elementIds, 0, fieldCount, elementIds, 0, fieldCount)
        && Arrays.equals(d.enterpriseNumbers, 0, fieldCount, enterpriseNumbers, 0, fieldCount)
        && Arrays.equals(d.lengths, 0, fieldCount, lengths, 0, fieldCount);
  }
}
