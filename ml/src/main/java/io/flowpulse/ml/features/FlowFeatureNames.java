package io.flowpulse.ml.features;

import java.util.List;

/**
 * The names of every per-flow feature computed by {@link FlowStatistics#toFeatures()}, in output
 * order (the CSV column order of {@code ./flowpulse flows}). Formulas, units and directions are in
 * {@code docs/flow-features.md}. Conventions: "fwd" / "src2dst" = the direction of the flow's first
 * packet, "bwd" / "dst2src" = the other one; times are microseconds ({@code _us}) unless the name
 * says milliseconds ({@code _ms}) or seconds ({@code _per_s}); packet lengths are L4 payload bytes
 * as in CICFlowMeter; {@code *_bytes} of nfstream names are link-layer bytes as in nfstream.
 */
public final class FlowFeatureNames {
    // nfstream-compatible counters (link-layer bytes, millisecond durations)
    public static final String BIDIRECTIONAL_PACKETS = "bidirectional_packets";
    public static final String BIDIRECTIONAL_BYTES = "bidirectional_bytes";
    public static final String BIDIRECTIONAL_DURATION_MS = "bidirectional_duration_ms";
    public static final String SRC2DST_PACKETS = "src2dst_packets";
    public static final String SRC2DST_BYTES = "src2dst_bytes";
    public static final String SRC2DST_DURATION_MS = "src2dst_duration_ms";
    public static final String DST2SRC_PACKETS = "dst2src_packets";
    public static final String DST2SRC_BYTES = "dst2src_bytes";
    public static final String DST2SRC_DURATION_MS = "dst2src_duration_ms";
    // CICFlowMeter-style features
    public static final String FLOW_DURATION_US = "flow_duration_us";
    public static final String TOTAL_FWD_PACKETS = "total_fwd_packets";
    public static final String TOTAL_BWD_PACKETS = "total_bwd_packets";
    public static final String FWD_PAYLOAD_BYTES = "fwd_payload_bytes";
    public static final String BWD_PAYLOAD_BYTES = "bwd_payload_bytes";
    public static final String FWD_IP_BYTES = "fwd_ip_bytes";
    public static final String BWD_IP_BYTES = "bwd_ip_bytes";
    public static final String FWD_PKT_LEN_MIN = "fwd_pkt_len_min";
    public static final String FWD_PKT_LEN_MAX = "fwd_pkt_len_max";
    public static final String FWD_PKT_LEN_MEAN = "fwd_pkt_len_mean";
    public static final String FWD_PKT_LEN_STD = "fwd_pkt_len_std";
    public static final String BWD_PKT_LEN_MIN = "bwd_pkt_len_min";
    public static final String BWD_PKT_LEN_MAX = "bwd_pkt_len_max";
    public static final String BWD_PKT_LEN_MEAN = "bwd_pkt_len_mean";
    public static final String BWD_PKT_LEN_STD = "bwd_pkt_len_std";
    public static final String PKT_LEN_MIN = "pkt_len_min";
    public static final String PKT_LEN_MAX = "pkt_len_max";
    public static final String PKT_LEN_MEAN = "pkt_len_mean";
    public static final String PKT_LEN_STD = "pkt_len_std";
    public static final String PKT_LEN_VAR = "pkt_len_var";
    public static final String FLOW_BYTES_PER_S = "flow_bytes_per_s";
    public static final String FLOW_PACKETS_PER_S = "flow_packets_per_s";
    public static final String FWD_PACKETS_PER_S = "fwd_packets_per_s";
    public static final String BWD_PACKETS_PER_S = "bwd_packets_per_s";
    public static final String FLOW_IAT_TOTAL_US = "flow_iat_total_us";
    public static final String FLOW_IAT_MEAN_US = "flow_iat_mean_us";
    public static final String FLOW_IAT_STD_US = "flow_iat_std_us";
    public static final String FLOW_IAT_MAX_US = "flow_iat_max_us";
    public static final String FLOW_IAT_MIN_US = "flow_iat_min_us";
    public static final String FWD_IAT_TOTAL_US = "fwd_iat_total_us";
    public static final String FWD_IAT_MEAN_US = "fwd_iat_mean_us";
    public static final String FWD_IAT_STD_US = "fwd_iat_std_us";
    public static final String FWD_IAT_MAX_US = "fwd_iat_max_us";
    public static final String FWD_IAT_MIN_US = "fwd_iat_min_us";
    public static final String BWD_IAT_TOTAL_US = "bwd_iat_total_us";
    public static final String BWD_IAT_MEAN_US = "bwd_iat_mean_us";
    public static final String BWD_IAT_STD_US = "bwd_iat_std_us";
    public static final String BWD_IAT_MAX_US = "bwd_iat_max_us";
    public static final String BWD_IAT_MIN_US = "bwd_iat_min_us";
    public static final String FWD_PSH_FLAGS = "fwd_psh_flags";
    public static final String BWD_PSH_FLAGS = "bwd_psh_flags";
    public static final String FWD_URG_FLAGS = "fwd_urg_flags";
    public static final String BWD_URG_FLAGS = "bwd_urg_flags";
    public static final String FWD_HEADER_BYTES = "fwd_header_bytes";
    public static final String BWD_HEADER_BYTES = "bwd_header_bytes";
    public static final String FIN_FLAG_COUNT = "fin_flag_count";
    public static final String SYN_FLAG_COUNT = "syn_flag_count";
    public static final String RST_FLAG_COUNT = "rst_flag_count";
    public static final String PSH_FLAG_COUNT = "psh_flag_count";
    public static final String ACK_FLAG_COUNT = "ack_flag_count";
    public static final String URG_FLAG_COUNT = "urg_flag_count";
    public static final String CWR_FLAG_COUNT = "cwr_flag_count";
    public static final String ECE_FLAG_COUNT = "ece_flag_count";
    public static final String DOWN_UP_RATIO = "down_up_ratio";
    public static final String AVG_PACKET_SIZE = "avg_packet_size";
    public static final String FWD_SEG_SIZE_AVG = "fwd_seg_size_avg";
    public static final String BWD_SEG_SIZE_AVG = "bwd_seg_size_avg";
    public static final String FWD_BULK_BYTES_AVG = "fwd_bulk_bytes_avg";
    public static final String FWD_BULK_PACKETS_AVG = "fwd_bulk_packets_avg";
    public static final String FWD_BULK_RATE_AVG = "fwd_bulk_rate_avg";
    public static final String BWD_BULK_BYTES_AVG = "bwd_bulk_bytes_avg";
    public static final String BWD_BULK_PACKETS_AVG = "bwd_bulk_packets_avg";
    public static final String BWD_BULK_RATE_AVG = "bwd_bulk_rate_avg";
    public static final String SUBFLOW_COUNT = "subflow_count";
    public static final String SUBFLOW_FWD_PACKETS = "subflow_fwd_packets";
    public static final String SUBFLOW_FWD_BYTES = "subflow_fwd_bytes";
    public static final String SUBFLOW_BWD_PACKETS = "subflow_bwd_packets";
    public static final String SUBFLOW_BWD_BYTES = "subflow_bwd_bytes";
    public static final String FWD_INIT_WIN_BYTES = "fwd_init_win_bytes";
    public static final String BWD_INIT_WIN_BYTES = "bwd_init_win_bytes";
    public static final String FWD_ACT_DATA_PACKETS = "fwd_act_data_packets";
    public static final String FWD_SEG_SIZE_MIN = "fwd_seg_size_min";
    public static final String ACTIVE_MEAN_US = "active_mean_us";
    public static final String ACTIVE_STD_US = "active_std_us";
    public static final String ACTIVE_MAX_US = "active_max_us";
    public static final String ACTIVE_MIN_US = "active_min_us";
    public static final String IDLE_MEAN_US = "idle_mean_us";
    public static final String IDLE_STD_US = "idle_std_us";
    public static final String IDLE_MAX_US = "idle_max_us";
    public static final String IDLE_MIN_US = "idle_min_us";

    /** Every feature name, in output order. */
    public static final List<String> ALL = List.of(
            BIDIRECTIONAL_PACKETS, BIDIRECTIONAL_BYTES, BIDIRECTIONAL_DURATION_MS,
            SRC2DST_PACKETS, SRC2DST_BYTES, SRC2DST_DURATION_MS,
            DST2SRC_PACKETS, DST2SRC_BYTES, DST2SRC_DURATION_MS,
            FLOW_DURATION_US, TOTAL_FWD_PACKETS, TOTAL_BWD_PACKETS,
            FWD_PAYLOAD_BYTES, BWD_PAYLOAD_BYTES, FWD_IP_BYTES, BWD_IP_BYTES,
            FWD_PKT_LEN_MIN, FWD_PKT_LEN_MAX, FWD_PKT_LEN_MEAN, FWD_PKT_LEN_STD,
            BWD_PKT_LEN_MIN, BWD_PKT_LEN_MAX, BWD_PKT_LEN_MEAN, BWD_PKT_LEN_STD,
            PKT_LEN_MIN, PKT_LEN_MAX, PKT_LEN_MEAN, PKT_LEN_STD, PKT_LEN_VAR,
            FLOW_BYTES_PER_S, FLOW_PACKETS_PER_S, FWD_PACKETS_PER_S, BWD_PACKETS_PER_S,
            FLOW_IAT_TOTAL_US, FLOW_IAT_MEAN_US, FLOW_IAT_STD_US, FLOW_IAT_MAX_US, FLOW_IAT_MIN_US,
            FWD_IAT_TOTAL_US, FWD_IAT_MEAN_US, FWD_IAT_STD_US, FWD_IAT_MAX_US, FWD_IAT_MIN_US,
            BWD_IAT_TOTAL_US, BWD_IAT_MEAN_US, BWD_IAT_STD_US, BWD_IAT_MAX_US, BWD_IAT_MIN_US,
            FWD_PSH_FLAGS, BWD_PSH_FLAGS, FWD_URG_FLAGS, BWD_URG_FLAGS,
            FWD_HEADER_BYTES, BWD_HEADER_BYTES,
            FIN_FLAG_COUNT, SYN_FLAG_COUNT, RST_FLAG_COUNT, PSH_FLAG_COUNT,
            ACK_FLAG_COUNT, URG_FLAG_COUNT, CWR_FLAG_COUNT, ECE_FLAG_COUNT,
            DOWN_UP_RATIO, AVG_PACKET_SIZE, FWD_SEG_SIZE_AVG, BWD_SEG_SIZE_AVG,
            FWD_BULK_BYTES_AVG, FWD_BULK_PACKETS_AVG, FWD_BULK_RATE_AVG,
            BWD_BULK_BYTES_AVG, BWD_BULK_PACKETS_AVG, BWD_BULK_RATE_AVG,
            SUBFLOW_COUNT, SUBFLOW_FWD_PACKETS, SUBFLOW_FWD_BYTES, SUBFLOW_BWD_PACKETS, SUBFLOW_BWD_BYTES,
            FWD_INIT_WIN_BYTES, BWD_INIT_WIN_BYTES, FWD_ACT_DATA_PACKETS, FWD_SEG_SIZE_MIN,
            ACTIVE_MEAN_US, ACTIVE_STD_US, ACTIVE_MAX_US, ACTIVE_MIN_US,
            IDLE_MEAN_US, IDLE_STD_US, IDLE_MAX_US, IDLE_MIN_US);

    private FlowFeatureNames() {}
}
