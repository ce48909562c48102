package dev.flowagg.protocol.netflow;

/** What options records told about one observation domain (v9 source id): sampling rates and the exporter's boot time. */
final class DomainState {

  private final LongKeyMap<Double> samplerRates = new LongKeyMap<>();
  /** The rate announced without a sampler id; 0 while unknown. */
  private double defaultRate;
  /** IPFIX systemInitTimeMilliseconds; -1 while unknown. */
  private long systemInitMillis = -1;

  /** RFC 3954 §8 / RFC 7011: an options record with a sampler id sets that sampler's rate, one without sets the default. */
  void learnRate(boolean hasSamplerId, long samplerId, double rate) {
    if (hasSamplerId) {
      samplerRates.put(samplerId, rate);
    } else {
      defaultRate = rate;
    }
  }

  /** The rate for a data record: its sampler's when known, else the domain default; 0 when neither is known. */
  double rateFor(boolean hasSamplerId, long samplerId) {
    if (hasSamplerId) {
      Double rate = samplerRates.get(samplerId);
      if (rate != null) {
        return rate;
      }
    }
    return defaultRate;
  }

  void learnSystemInitMillis(long millis) {
    systemInitMillis = millis;
  }

  long systemInitMillis() {
    return systemInitMillis;
  }
}
