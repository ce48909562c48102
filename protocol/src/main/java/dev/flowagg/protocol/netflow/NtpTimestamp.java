package dev.flowagg.protocol.netflow;

/** Converts the 64-bit NTP timestamps of IPFIX dateTimeMicroseconds and dateTimeNanoseconds (RFC 7011 §6.1.9, §6.1.10). */
public final class NtpTimestamp {

  /** Seconds from the NTP epoch (1900-01-01) to the Unix epoch. */
  private static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;
  /** RFC 5905 §6: seconds counts below 2^31 are taken to be in era 1, from 2036-02-07. */
  private static final long ERA_SECONDS = 1L << 32;

  private NtpTimestamp() {}

  /** Epoch milliseconds from 32 bits of NTP seconds and 32 bits of fraction. */
  public static long toEpochMillis(long ntp) {
    long seconds = ntp >>> 32;
    long fraction = ntp & 0xFFFF_FFFFL;
    if (seconds < 0x8000_0000L) {
      seconds += ERA_SECONDS;
    }
    return (seconds - NTP_TO_UNIX_SECONDS) * 1000 + (fraction * 1000 >>> 32);
  }

  /** The NTP timestamp of an epoch millisecond, for times from 1968 to 2104. */
  public static long fromEpochMillis(long epochMillis) {
    long seconds = Math.floorDiv(epochMillis, 1000) + NTP_TO_UNIX_SECONDS;
    long millis = Math.floorMod(epochMillis, 1000);
    long fraction = ((millis << 32) + 999) / 1000;
    return (seconds & 0xFFFF_FFFFL) << 32 | fraction;
  }
}
