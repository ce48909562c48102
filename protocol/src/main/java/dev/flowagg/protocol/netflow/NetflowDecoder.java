package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.ExporterCounters.Counter;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes NetFlow v5, v9 and IPFIX datagrams into flows, dispatching on the version field and keeping each
 * exporter's templates, waiting data and sampling rates between datagrams.
 *
 * <p>Problems in a datagram are counted in {@link #stats()}, never thrown and never logged. Not thread-safe: one
 * decoder per receiving thread or actor; only {@link #stats()} may be read from other threads. Time is what the
 * caller says ({@code receivedAtMillis}, {@code nowMillis}), never the system clock.
 */
public final class NetflowDecoder {

  private final DecoderSettings settings;
  private final DecoderStats stats = new DecoderStats();
  private final Map<IpAddress, ExporterState> exporters = new HashMap<>();
  private final NetflowV5Decoder v5;
  private final NetflowV9Decoder v9;
  private final IpfixDecoder ipfix;
  private ExporterState lastExporter;
  private byte[] directBufferCopy = new byte[0];

  public NetflowDecoder(DecoderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.v5 = new NetflowV5Decoder(settings.samplingMode());
    this.v9 = new NetflowV9Decoder(settings);
    this.ipfix = new IpfixDecoder(settings);
  }

  public NetflowDecoder() {
    this(DecoderSettings.defaults());
  }

  /**
   * Decodes one datagram and hands each flow to {@code sink}, including flows of earlier data sets that were waiting
   * for a template this datagram brings. Exceptions thrown by the sink propagate unchanged.
   *
   * @return the number of flows delivered
   */
  public long decode(IpAddress exporter, byte[] datagram, int offset, int length, long receivedAtMillis,
      FlowSink sink) {
    Objects.requireNonNull(exporter, "exporter");
    Objects.requireNonNull(sink, "sink");
    Objects.checkFromIndexSize(offset, length, datagram.length);
    ExporterState state = stateOf(exporter, receivedAtMillis);
    int version = length >= 2 ? BigEndian.u16(datagram, offset) : 0;
    state.counters.add(version, Counter.DATAGRAMS, 1);
    state.counters.add(version, Counter.DATAGRAM_BYTES, length);
    if (length < 2) {
      state.counters.error(0, DecodeError.DATAGRAM_TOO_SHORT);
      return 0;
    }
    state.pending.dropExpired(receivedAtMillis, false);
    try {
      return switch (version) {
        case 5 -> v5.decode(state, datagram, offset, length, sink);
        case 9 -> v9.decode(state, datagram, offset, length, receivedAtMillis, sink);
        case 10 -> ipfix.decode(state, datagram, offset, length, receivedAtMillis, sink);
        default -> {
          state.counters.error(version, DecodeError.UNKNOWN_VERSION);
          yield 0;
        }
      };
    } catch (SinkFailure f) {
      throw f.sinkException();
    } catch (RuntimeException bug) {
      state.counters.error(version, DecodeError.DECODER_FAULT);
      return 0;
    }
  }

  /** Decodes the datagram between the buffer's position and limit; the buffer's position is left unchanged. */
  public long decode(IpAddress exporter, ByteBuffer datagram, long receivedAtMillis, FlowSink sink) {
    int length = datagram.remaining();
    if (datagram.hasArray()) {
      return decode(exporter, datagram.array(), datagram.arrayOffset() + datagram.position(), length,
          receivedAtMillis, sink);
    }
    if (directBufferCopy.length < length) {
      directBufferCopy = new byte[Math.max(length, 65536)];
    }
    datagram.get(datagram.position(), directBufferCopy, 0, length);
    return decode(exporter, directBufferCopy, 0, length, receivedAtMillis, sink);
  }

  /** The counters, per exporter and version. */
  public DecoderStats stats() {
    return stats;
  }

  /**
   * Drops expired templates and waiting data of every exporter (a datagram only checks its own exporter), and
   * forgets exporters that have nothing left; call it now and then, for instance once a minute.
   */
  public void expire(long nowMillis) {
    long idleMillis = settings.templateLifetime().toMillis();
    exporters.values().removeIf(state -> {
      state.templates.expire(nowMillis);
      state.pending.dropExpired(nowMillis, true);
      return state.isForgettable(nowMillis, idleMillis);
    });
    lastExporter = null;
  }

  /** Exporters the decoder currently keeps state for. */
  public int exporterCount() {
    return exporters.size();
  }

  /** Hands a flow to the sink, marking what the sink throws so the decoder's own guard does not swallow it. */
  static void deliver(FlowSink sink, DecodedFlow flow) {
    try {
      sink.accept(flow);
    } catch (RuntimeException e) {
      throw new SinkFailure(e);
    }
  }

  private ExporterState stateOf(IpAddress exporter, long nowMillis) {
    ExporterState state = lastExporter;
    if (state == null || !state.address.equals(exporter)) {
      state = exporters.get(exporter);
      if (state == null) {
        state = new ExporterState(exporter, stats.countersOf(exporter), settings);
        exporters.put(exporter, state);
      }
      lastExporter = state;
    }
    state.lastSeenMillis = nowMillis;
    return state;
  }

  /** Carries an exception thrown by the sink through the decoder's guard. */
  private static final class SinkFailure extends RuntimeException {
    SinkFailure(RuntimeException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    RuntimeException sinkException() {
      return (RuntimeException) getCause();
    }
  }
}
