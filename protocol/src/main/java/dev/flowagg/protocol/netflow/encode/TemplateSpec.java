package dev.flowagg.protocol.netflow.encode;

import dev.flowagg.protocol.netflow.InformationElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A template or options template to send: its id, its fields, and how many of them are options scope fields. */
public record TemplateSpec(int templateId, int scopeFieldCount, boolean options, List<FieldSpec> fields) {

  public TemplateSpec {
    fields = List.copyOf(fields);
  }

  public static TemplateSpec of(int templateId, FieldSpec... fields) {
    return new TemplateSpec(templateId, 0, false, Arrays.asList(fields));
  }

  /** A template of elements at their default lengths. */
  public static TemplateSpec of(int templateId, InformationElement... elements) {
    return new TemplateSpec(templateId, 0, false, Arrays.stream(elements).map(FieldSpec::of).toList());
  }

  public static TemplateSpec of(int templateId, List<FieldSpec> fields) {
    return new TemplateSpec(templateId, 0, false, fields);
  }

  /** An options template: scope fields first, then option fields. */
  public static TemplateSpec options(int templateId, List<FieldSpec> scope, List<FieldSpec> options) {
    List<FieldSpec> all = new ArrayList<>(scope);
    all.addAll(options);
    return new TemplateSpec(templateId, scope.size(), true, all);
  }

  /** The record length of a template without variable-length fields. */
  public int recordLength() {
    return fields.stream().mapToInt(FieldSpec::length).sum();
  }
}
