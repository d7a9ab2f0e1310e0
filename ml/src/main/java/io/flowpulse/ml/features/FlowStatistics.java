package io.flowpulse.ml.features;

import static io.flowpulse.ml.features.FlowFeatureNames.*;


/**
 * Running per-flow statistics, updated one packet at a time in O(1) and bounded memory (scalars
 * and Welford {@link RunningStats}, no per-packet lists), from which {@link #toFeatures()} derives
 * every feature of {@link FlowFeatureNames}. Definitions follow CICFlowMeter's documented feature
 * definitions, not its reference code's bugs (see {@code docs/flow-features.md}); the
 * {@code bidirectional_*}, {@code src2dst_*} and {@code dst2src_*} counters follow nfstream.
 *
 * <p>A POJO (public fields, public no-arg constructor) so Flink keeps it as keyed state without
 * Kryo. Packets that arrive out of timestamp order are counted normally, but their inter-arrival
 * time is taken as 0 and the flow's clock never moves backwards.
 */
public class FlowStatistics {
    /** TCP flag bits as in {@code PacketEvent.tcpFlags}. */
    public static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16, URG = 32, ECE = 64, CWR = 128;
    /** CICFlowMeter's subflow gap: a silence longer than this starts a new subflow. */
    public static final long SUBFLOW_GAP_MICROS = 1_000_000L;

    public long firstMicros = -1;
    public long lastMicros = -1;
    public long fwdFirstMicros = -1;
    public long fwdLastMicros = -1;
    public long bwdFirstMicros = -1;
    public long bwdLastMicros = -1;

    public long fwdPackets;
    public long bwdPackets;
    public long fwdLinkBytes;
    public long bwdLinkBytes;
    public long fwdIpBytes;
    public long bwdIpBytes;
    public long fwdPayloadBytes;
    public long bwdPayloadBytes;
    public long fwdHeaderBytes;
    public long bwdHeaderBytes;

    public RunningStats fwdLength = new RunningStats();
    public RunningStats bwdLength = new RunningStats();
    public RunningStats length = new RunningStats();
    public RunningStats flowIat = new RunningStats();
    public RunningStats fwdIat = new RunningStats();
    public RunningStats bwdIat = new RunningStats();
    public RunningStats active = new RunningStats();
    public RunningStats idle = new RunningStats();
    public long activeStartMicros = -1;
    public long activeEndMicros = -1;

    public int finCount;
    public int synCount;
    public int rstCount;
    public int pshCount;
    public int ackCount;
    public int urgCount;
    public int cwrCount;
    public int eceCount;
    public int fwdPshCount;
    public int bwdPshCount;
    public int fwdUrgCount;
    public int bwdUrgCount;

    /** TCP window of the first packet of each direction; -1 while that direction has no packet. */
    public int fwdInitWindow = -1;
    public int bwdInitWindow = -1;
    public long fwdActDataPackets;
    /** Smallest L4 header of a forward packet; -1 before the first one. */
    public int fwdMinL4Header = -1;

    public BulkTracker fwdBulk = new BulkTracker();
    public BulkTracker bwdBulk = new BulkTracker();
    public long subflowCount;
    public long subflowLastMicros = -1;

    private static final FeatureValues.Layout LAYOUT = new FeatureValues.Layout(FlowFeatureNames.ALL);

    public FlowStatistics() {}

    /**
     * Back to the state of {@code new FlowStatistics()}, keeping the nested objects: lets a flow
     * operator reuse the statistics of an ended flow for the next one instead of allocating ~1 KB per
     * flow (FlowStatisticsTest checks every field against a new instance).
     */
    public void reset() {
        firstMicros = -1;
        lastMicros = -1;
        fwdFirstMicros = -1;
        fwdLastMicros = -1;
        bwdFirstMicros = -1;
        bwdLastMicros = -1;
        fwdPackets = 0;
        bwdPackets = 0;
        fwdLinkBytes = 0;
        bwdLinkBytes = 0;
        fwdIpBytes = 0;
        bwdIpBytes = 0;
        fwdPayloadBytes = 0;
        bwdPayloadBytes = 0;
        fwdHeaderBytes = 0;
        bwdHeaderBytes = 0;
        fwdLength.reset();
        bwdLength.reset();
        length.reset();
        flowIat.reset();
        fwdIat.reset();
        bwdIat.reset();
        active.reset();
        idle.reset();
        activeStartMicros = -1;
        activeEndMicros = -1;
        finCount = 0;
        synCount = 0;
        rstCount = 0;
        pshCount = 0;
        ackCount = 0;
        urgCount = 0;
        cwrCount = 0;
        eceCount = 0;
        fwdPshCount = 0;
        bwdPshCount = 0;
        fwdUrgCount = 0;
        bwdUrgCount = 0;
        fwdInitWindow = -1;
        bwdInitWindow = -1;
        fwdActDataPackets = 0;
        fwdMinL4Header = -1;
        fwdBulk.reset();
        bwdBulk.reset();
        subflowCount = 0;
        subflowLastMicros = -1;
    }

    public long packets() {
        return fwdPackets + bwdPackets;
    }

    /**
     * Adds one packet.
     *
     * @param micros capture time
     * @param forward true if the packet goes in the direction of the flow's first packet
     * @param linkLength original frame length on the wire
     * @param ipLength IP total length
     * @param l4HeaderLength TCP/UDP/ICMP header length
     * @param payloadLength L4 payload length
     * @param tcpFlags TCP flag bits (0 for other protocols)
     * @param tcpWindow TCP window field (0 for other protocols)
     * @param activityTimeoutMicros gap that ends an active period (CICFlowMeter: 5 s)
     */
    public void add(long micros, boolean forward, int linkLength, int ipLength, int l4HeaderLength,
            int payloadLength, int tcpFlags, int tcpWindow, long activityTimeoutMicros) {
        int payload = Math.max(0, payloadLength);
        if (firstMicros < 0) {
            firstMicros = micros;
            lastMicros = micros;
            activeStartMicros = micros;
            activeEndMicros = micros;
            subflowLastMicros = micros;
            subflowCount = 1;
        } else {
            long iat = Math.max(0, micros - lastMicros);
            flowIat.add(iat);
            if (micros > lastMicros) {
                updateActiveIdle(micros, activityTimeoutMicros);
                if (micros - subflowLastMicros > SUBFLOW_GAP_MICROS) {
                    subflowCount++;
                }
                subflowLastMicros = micros;
                lastMicros = micros;
            }
        }
        length.add(payload);
        if (forward) {
            if (fwdFirstMicros < 0) {
                fwdFirstMicros = micros;
                fwdLastMicros = micros;
                fwdInitWindow = tcpWindow;
            } else {
                fwdIat.add(Math.max(0, micros - fwdLastMicros));
                fwdLastMicros = Math.max(fwdLastMicros, micros);
            }
            fwdPackets++;
            fwdLinkBytes += linkLength;
            fwdIpBytes += ipLength;
            fwdPayloadBytes += payload;
            fwdHeaderBytes += l4HeaderLength;
            fwdLength.add(payload);
            if (payload > 0) {
                fwdActDataPackets++;
            }
            if (fwdMinL4Header < 0 || l4HeaderLength < fwdMinL4Header) {
                fwdMinL4Header = l4HeaderLength;
            }
            if ((tcpFlags & PSH) != 0) {
                fwdPshCount++;
            }
            if ((tcpFlags & URG) != 0) {
                fwdUrgCount++;
            }
            fwdBulk.add(micros, payload, bwdBulk.lastPayloadMicros);
        } else {
            if (bwdFirstMicros < 0) {
                bwdFirstMicros = micros;
                bwdLastMicros = micros;
                bwdInitWindow = tcpWindow;
            } else {
                bwdIat.add(Math.max(0, micros - bwdLastMicros));
                bwdLastMicros = Math.max(bwdLastMicros, micros);
            }
            bwdPackets++;
            bwdLinkBytes += linkLength;
            bwdIpBytes += ipLength;
            bwdPayloadBytes += payload;
            bwdHeaderBytes += l4HeaderLength;
            bwdLength.add(payload);
            if ((tcpFlags & PSH) != 0) {
                bwdPshCount++;
            }
            if ((tcpFlags & URG) != 0) {
                bwdUrgCount++;
            }
            bwdBulk.add(micros, payload, fwdBulk.lastPayloadMicros);
        }
        if (tcpFlags != 0) {
            if ((tcpFlags & FIN) != 0) finCount++;
            if ((tcpFlags & SYN) != 0) synCount++;
            if ((tcpFlags & RST) != 0) rstCount++;
            if ((tcpFlags & PSH) != 0) pshCount++;
            if ((tcpFlags & ACK) != 0) ackCount++;
            if ((tcpFlags & URG) != 0) urgCount++;
            if ((tcpFlags & CWR) != 0) cwrCount++;
            if ((tcpFlags & ECE) != 0) eceCount++;
        }
    }

    private void updateActiveIdle(long micros, long activityTimeoutMicros) {
        if (micros - activeEndMicros > activityTimeoutMicros) {
            long activePeriod = activeEndMicros - activeStartMicros;
            if (activePeriod > 0) {
                active.add(activePeriod);
            }
            idle.add(micros - activeEndMicros);
            activeStartMicros = micros;
        }
        activeEndMicros = micros;
    }

    /** Every feature of {@link FlowFeatureNames#ALL}, in that order; never NaN or infinite. */
    public FeatureValues toFeatures() {
        FeatureValues f = LAYOUT.create();
        long packets = packets();
        long durationMicros = firstMicros < 0 ? 0 : lastMicros - firstMicros;
        double seconds = durationMicros / 1e6;
        f.set(BIDIRECTIONAL_PACKETS, packets);
        f.set(BIDIRECTIONAL_BYTES, (fwdLinkBytes + bwdLinkBytes));
        f.set(BIDIRECTIONAL_DURATION_MS, durationMicros / 1e3);
        f.set(SRC2DST_PACKETS, fwdPackets);
        f.set(SRC2DST_BYTES, fwdLinkBytes);
        f.set(SRC2DST_DURATION_MS, fwdFirstMicros < 0 ? 0.0 : (fwdLastMicros - fwdFirstMicros) / 1e3);
        f.set(DST2SRC_PACKETS, bwdPackets);
        f.set(DST2SRC_BYTES, bwdLinkBytes);
        f.set(DST2SRC_DURATION_MS, bwdFirstMicros < 0 ? 0.0 : (bwdLastMicros - bwdFirstMicros) / 1e3);

        f.set(FLOW_DURATION_US, durationMicros);
        f.set(TOTAL_FWD_PACKETS, fwdPackets);
        f.set(TOTAL_BWD_PACKETS, bwdPackets);
        f.set(FWD_PAYLOAD_BYTES, fwdPayloadBytes);
        f.set(BWD_PAYLOAD_BYTES, bwdPayloadBytes);
        f.set(FWD_IP_BYTES, fwdIpBytes);
        f.set(BWD_IP_BYTES, bwdIpBytes);
        putMinMaxMeanStd(f, fwdLength, FWD_PKT_LEN_MIN, FWD_PKT_LEN_MAX, FWD_PKT_LEN_MEAN, FWD_PKT_LEN_STD);
        putMinMaxMeanStd(f, bwdLength, BWD_PKT_LEN_MIN, BWD_PKT_LEN_MAX, BWD_PKT_LEN_MEAN, BWD_PKT_LEN_STD);
        putMinMaxMeanStd(f, length, PKT_LEN_MIN, PKT_LEN_MAX, PKT_LEN_MEAN, PKT_LEN_STD);
        f.set(PKT_LEN_VAR, length.variance());

        f.set(FLOW_BYTES_PER_S, rate(fwdPayloadBytes + bwdPayloadBytes, seconds));
        f.set(FLOW_PACKETS_PER_S, rate(packets, seconds));
        f.set(FWD_PACKETS_PER_S, rate(fwdPackets, seconds));
        f.set(BWD_PACKETS_PER_S, rate(bwdPackets, seconds));

        putIat(f, flowIat, FLOW_IAT_TOTAL_US, FLOW_IAT_MEAN_US, FLOW_IAT_STD_US, FLOW_IAT_MAX_US, FLOW_IAT_MIN_US);
        putIat(f, fwdIat, FWD_IAT_TOTAL_US, FWD_IAT_MEAN_US, FWD_IAT_STD_US, FWD_IAT_MAX_US, FWD_IAT_MIN_US);
        putIat(f, bwdIat, BWD_IAT_TOTAL_US, BWD_IAT_MEAN_US, BWD_IAT_STD_US, BWD_IAT_MAX_US, BWD_IAT_MIN_US);

        f.set(FWD_PSH_FLAGS, fwdPshCount);
        f.set(BWD_PSH_FLAGS, bwdPshCount);
        f.set(FWD_URG_FLAGS, fwdUrgCount);
        f.set(BWD_URG_FLAGS, bwdUrgCount);
        f.set(FWD_HEADER_BYTES, fwdHeaderBytes);
        f.set(BWD_HEADER_BYTES, bwdHeaderBytes);
        f.set(FIN_FLAG_COUNT, finCount);
        f.set(SYN_FLAG_COUNT, synCount);
        f.set(RST_FLAG_COUNT, rstCount);
        f.set(PSH_FLAG_COUNT, pshCount);
        f.set(ACK_FLAG_COUNT, ackCount);
        f.set(URG_FLAG_COUNT, urgCount);
        f.set(CWR_FLAG_COUNT, cwrCount);
        f.set(ECE_FLAG_COUNT, eceCount);

        f.set(DOWN_UP_RATIO, fwdPackets == 0 ? 0.0 : (double) bwdPackets / fwdPackets);
        f.set(AVG_PACKET_SIZE, packets == 0 ? 0.0 : (double) (fwdPayloadBytes + bwdPayloadBytes) / packets);
        f.set(FWD_SEG_SIZE_AVG, fwdLength.mean());
        f.set(BWD_SEG_SIZE_AVG, bwdLength.mean());

        f.set(FWD_BULK_BYTES_AVG, fwdBulk.bytesPerBulk());
        f.set(FWD_BULK_PACKETS_AVG, fwdBulk.packetsPerBulk());
        f.set(FWD_BULK_RATE_AVG, fwdBulk.rate());
        f.set(BWD_BULK_BYTES_AVG, bwdBulk.bytesPerBulk());
        f.set(BWD_BULK_PACKETS_AVG, bwdBulk.packetsPerBulk());
        f.set(BWD_BULK_RATE_AVG, bwdBulk.rate());

        double subflows = Math.max(1, subflowCount);
        f.set(SUBFLOW_COUNT, subflowCount);
        f.set(SUBFLOW_FWD_PACKETS, fwdPackets / subflows);
        f.set(SUBFLOW_FWD_BYTES, fwdPayloadBytes / subflows);
        f.set(SUBFLOW_BWD_PACKETS, bwdPackets / subflows);
        f.set(SUBFLOW_BWD_BYTES, bwdPayloadBytes / subflows);

        f.set(FWD_INIT_WIN_BYTES, fwdInitWindow);
        f.set(BWD_INIT_WIN_BYTES, bwdInitWindow);
        f.set(FWD_ACT_DATA_PACKETS, fwdActDataPackets);
        f.set(FWD_SEG_SIZE_MIN, Math.max(0, fwdMinL4Header));

        // the last active period ends with the flow; computed on a copy so this stays read-only
        RunningStats activeWithLast = active.copy();
        if (firstMicros >= 0 && activeEndMicros - activeStartMicros > 0) {
            activeWithLast.add(activeEndMicros - activeStartMicros);
        }
        putMinMaxMeanStdOrdered(f, activeWithLast, ACTIVE_MEAN_US, ACTIVE_STD_US, ACTIVE_MAX_US, ACTIVE_MIN_US);
        putMinMaxMeanStdOrdered(f, idle, IDLE_MEAN_US, IDLE_STD_US, IDLE_MAX_US, IDLE_MIN_US);
        return f;
    }

    private static double rate(double amount, double seconds) {
        return seconds > 0 ? amount / seconds : 0.0;
    }

    private static void putMinMaxMeanStd(FeatureValues f, RunningStats s, String min, String max,
            String mean, String std) {
        f.set(min, s.min());
        f.set(max, s.max());
        f.set(mean, s.mean());
        f.set(std, s.std());
    }

    private static void putMinMaxMeanStdOrdered(FeatureValues f, RunningStats s, String mean, String std,
            String max, String min) {
        f.set(mean, s.mean());
        f.set(std, s.std());
        f.set(max, s.max());
        f.set(min, s.min());
    }

    private static void putIat(FeatureValues f, RunningStats s, String total, String mean, String std,
            String max, String min) {
        f.set(total, s.sum);
        putMinMaxMeanStdOrdered(f, s, mean, std, max, min);
    }
}
