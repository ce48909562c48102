package dev.flowagg.protocol.netflow;

/** A template record as read from the wire, before it is checked and compiled; reused between records. */
final class TemplateDefinition {

  int templateId;
  boolean options;
  int scopeFieldCount;
  int fieldCount;
  final int[] elementIds;
  final long[] enterpriseNumbers;
  final int[] lengths;

  TemplateDefinition(int maxFields) {
    elementIds = new int[maxFields];
    enterpriseNumbers = new long[maxFields];
    lengths = new int[maxFields];
  }

  void start(int templateId, boolean options, int scopeFieldCount) {
    this.templateId = templateId;
    this.options = options;
    this.scopeFieldCount = scopeFieldCount;
    this.fieldCount = 0;
  }

  /** Callers check the field count against the capacity before adding. */
  void add(int elementId, long enterpriseNumber, int length) {
    elementIds[fieldCount] = elementId;
    enterpriseNumbers[fieldCount] = enterpriseNumber;
    lengths[fieldCount] = length;
    fieldCount++;
  }

  int capacity() {
    return lengths.length;
  }

  /** Why this template cannot be used, or {@code null} when it can (RFC 7011 §3.4, RFC 3954 §5.2, §6.1). */
  DecodeError problem(int version, int maxRecordLength) {
    if (fieldCount == 0) {
      return DecodeError.TEMPLATE_NO_FIELDS;
    }
    if (options && (scopeFieldCount > fieldCount || (version == 10 && scopeFieldCount == 0))) {
      return DecodeError.TEMPLATE_SCOPE_INVALID;
    }
    long minRecordLength = 0;
    for (int i = 0; i < fieldCount; i++) {
      int length = lengths[i];
      if (length == 0 || (length == InformationElement.VARIABLE_LENGTH && version != 10)) {
        return DecodeError.TEMPLATE_FIELD_LENGTH_INVALID;
      }
      minRecordLength += length == InformationElement.VARIABLE_LENGTH ? 1 : length;
    }
    return minRecordLength > maxRecordLength ? DecodeError.TEMPLATE_RECORD_TOO_LONG : null;
  }
}
