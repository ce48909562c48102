package dev.flowagg.protocol.netflow;

/** Turns the many ways exporters state when a flow ended into epoch milliseconds. */
final class FlowEndTime {

  private FlowEndTime() {}

  /**
   * A time given in 32-bit milliseconds of exporter uptime, against the uptime at export (v5 and v9 headers).
   *
   * <p>The difference is taken modulo 2^32 and read as signed, so a counter that wrapped between the flow's end and
   * the export (every 49.7 days) still gives a time just before the export, and a flow stamped slightly after the
   * export gives a time slightly after it.
   */
  static long fromUptime(long exportMillis, long uptimeAtExportMillis, long endUptimeMillis) {
    int age = (int) (uptimeAtExportMillis - endUptimeMillis);
    return exportMillis - age;
  }

  /**
   * The end time of one data record, from the most precise field it carries; the export time when it carries none.
   * An absolute time of 0 counts as absent: exporters fill fields they do not measure with zeros.
   */
  static long of(RecordFields f, int version, long exportMillis, long v9UptimeMillis, DomainState domain) {
    if (isSet(f, FieldRole.END_MILLISECONDS)) {
      return f.get(FieldRole.END_MILLISECONDS);
    }
    if (isSet(f, FieldRole.END_NANOSECONDS)) {
      return NtpTimestamp.toEpochMillis(f.get(FieldRole.END_NANOSECONDS));
    }
    if (isSet(f, FieldRole.END_MICROSECONDS)) {
      return NtpTimestamp.toEpochMillis(f.get(FieldRole.END_MICROSECONDS));
    }
    if (isSet(f, FieldRole.END_SECONDS)) {
      return f.get(FieldRole.END_SECONDS) * 1000;
    }
    if (f.has(FieldRole.END_DELTA_MICROSECONDS)) {
      // RFC 5102 flowEndDeltaMicroseconds: an offset back from the export time in the message header.
      return exportMillis - f.get(FieldRole.END_DELTA_MICROSECONDS) / 1000;
    }
    if (f.has(FieldRole.END_SYS_UP_TIME)) {
      long endUptime = f.get(FieldRole.END_SYS_UP_TIME);
      if (version == 9) {
        return fromUptime(exportMillis, v9UptimeMillis, endUptime);
      }
      // RFC 7011 flowEndSysUpTime counts from systemInitTimeMilliseconds, in the record or from an options record.
      long init = f.getOr(FieldRole.SYSTEM_INIT_MILLISECONDS, domain.systemInitMillis());
      if (init >= 0 && init <= exportMillis) {
        return fromUptime(exportMillis, exportMillis - init, endUptime);
      }
    }
    return exportMillis;
  }

  private static boolean isSet(RecordFields f, FieldRole role) {
    return f.has(role) && f.get(role) != 0;
  }
}
