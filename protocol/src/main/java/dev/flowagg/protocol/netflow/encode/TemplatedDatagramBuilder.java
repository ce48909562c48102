package dev.flowagg.protocol.netflow.encode;

import java.util.List;

/** What the NetFlow v9 and IPFIX builders have in common: template sets, options template sets, data sets. */
public sealed interface TemplatedDatagramBuilder permits NetflowV9DatagramBuilder, IpfixMessageBuilder {

  /** One template set carrying these templates. */
  TemplatedDatagramBuilder templates(TemplateSpec... templates);

  /** One options template set carrying these options templates. */
  TemplatedDatagramBuilder optionsTemplates(TemplateSpec... templates);

  /** One data set of records for the template (an options template's records are options data). */
  TemplatedDatagramBuilder data(TemplateSpec template, List<RecordSpec> records);

  /** Bytes written so far, header included. */
  int size();

  byte[] build();
}
