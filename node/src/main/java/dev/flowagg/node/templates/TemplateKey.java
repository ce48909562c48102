package dev.flowagg.node.templates;

import dev.flowagg.node.CborSerializable;

/**
 * Where a NetFlow template is valid and its id: RFC 7011 §3 scopes templates to the exporter (its address, as the
 * decoder keys exporters) and observation domain, RFC 3954 to the source id; the version keeps v9 and IPFIX apart.
 */
public record TemplateKey(String exporter, int version, long domainId, int templateId) implements CborSerializable {}
