package io.flowpulse.sources.netflow;

import static io.flowpulse.sources.netflow.InformationElements.*;

import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowRecord;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decodes NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) export datagrams into
 * {@link FlowRecord}s. Plain Java, one instance per receiving thread (not thread-safe).
 *
 * <ul>
 *   <li>Templates and options templates are kept per exporter session: (exporter address, version,
 *       observation domain / source id). IPFIX template withdrawals (field count 0, one template or
 *       all of a set) are applied; a template not refreshed within the template lifetime expires (the
 *       UDP rule of RFC 7011 section 8.4), so exporters must resend templates, as all do.
 *   <li>Variable-length fields (RFC 7011 section 7) and enterprise-specific fields are decoded by
 *       their length and skipped unless mapped; RFC 5103 reverse elements (PEN 29305) fill the
 *       backward counters of a biflow record.
 *   <li>Options data: {@code systemInitTimeMilliseconds} anchors the IPFIX {@code flowStart/EndSysUpTime}
 *       of the same session; other options records are counted.
 *   <li>Data before template: a data set whose template is not known yet is buffered (bounded per
 *       session, and no longer than the template lifetime) and decoded when the template arrives, as
 *       in the datagram that brought it; buffered sets that never get one are counted as dropped
 *       ({@link CollectorStats#dataSetsDroppedWithoutTemplate}).
 *   <li>Sequence numbers are checked per session: v5 and IPFIX count flow records, v9 counts export
 *       packets. A forward jump adds to {@link CollectorStats#sequenceGap}, a backward one resynchronises.
 *   <li>A datagram is decoded whole or not at all: any framing error (short header, a set running past
 *       the message, a template field too short for its element, ...) throws
 *       {@link NetFlowDecodeException} with the reason, and none of its templates or records are used.
 * </ul>
 *
 * <p>Why hand-written: no maintained Java library decodes IPFIX well. jIPFIX (jFlowLib) knows one
 * vendor's fixed template; the decoders inside Graylog and OpenNMS are GPL/AGPL parts of those
 * servers, not libraries; the maintained collectors (nfdump, pmacct, goflow2, vflow) are C and Go.
 */
public final class NetFlowDecoder {
    public static final Duration DEFAULT_TEMPLATE_LIFETIME = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_PENDING_SETS = 256;
    private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;
    private static final int V5_HEADER = 24;
    private static final int V5_RECORD = 48;

    private final long templateLifetimeMillis;
    private final int maxPendingSets;
    private final Map<SessionKey, Session> sessions = new HashMap<>();
    private final CollectorStats stats = new CollectorStats();

    public NetFlowDecoder() {
        this(DEFAULT_TEMPLATE_LIFETIME, DEFAULT_MAX_PENDING_SETS);
    }

    public NetFlowDecoder(Duration templateLifetime, int maxPendingSets) {
        this.templateLifetimeMillis = templateLifetime.toMillis();
        this.maxPendingSets = maxPendingSets;
    }

    public CollectorStats stats() {
        return stats;
    }

    /** Decodes a whole datagram received at {@code nowMillis}; see the class comment for what is kept. */
    public List<FlowRecord> decode(InetAddress exporter, byte[] datagram, int offset, int length, long nowMillis)
            throws NetFlowDecodeException {
        stats.datagrams++;
        try {
            ByteBuffer b = ByteBuffer.wrap(datagram, offset, length).slice();
            if (b.remaining() < 4) {
                throw new NetFlowDecodeException("datagram of " + b.remaining() + " bytes is shorter than any NetFlow/IPFIX header");
            }
            int version = b.getShort(0) & 0xffff;
            List<FlowRecord> out = new ArrayList<>();
            switch (version) {
                case 5 -> decodeV5(exporter, b, out);
                case 9, 10 -> decodeTemplated(exporter, version, b, nowMillis, out);
                default -> throw new NetFlowDecodeException("unsupported export version " + version + " (expected 5, 9 or 10)");
            }
            stats.flowRecords += out.size();
            return out;
        } catch (NetFlowDecodeException e) {
            stats.undecodable++;
            throw e;
        } catch (RuntimeException e) {
            // a bounds error the checks above did not foresee: still a dead letter, never a crash
            stats.undecodable++;
            throw new NetFlowDecodeException("malformed datagram: " + e);
        }
    }

    // ------------------------------------------------------------------ NetFlow v5

    private void decodeV5(InetAddress exporter, ByteBuffer b, List<FlowRecord> out) throws NetFlowDecodeException {
        if (b.remaining() < V5_HEADER) {
            throw new NetFlowDecodeException("NetFlow v5 header needs 24 bytes, datagram has " + b.remaining());
        }
        int count = b.getShort(2) & 0xffff;
        if (count < 1 || count > 30 || V5_HEADER + count * V5_RECORD > b.remaining()) {
            throw new NetFlowDecodeException("NetFlow v5 count " + count + " does not fit a datagram of " + b.remaining() + " bytes");
        }
        long sysUptime = b.getInt(4) & 0xffffffffL;
        long exportMillis = (b.getInt(8) & 0xffffffffL) * 1000 + (b.getInt(12) & 0xffffffffL) / 1_000_000;
        long sequence = b.getInt(16) & 0xffffffffL;
        long domain = ((b.get(20) & 0xff) << 8) | (b.get(21) & 0xff);
        Session s = session(exporter, 5, domain);
        for (int i = 0; i < count; i++) {
            int p = V5_HEADER + i * V5_RECORD;
            byte[] src = new byte[4];
            byte[] dst = new byte[4];
            b.get(p, src);
            b.get(p + 4, dst);
            long packets = b.getInt(p + 16) & 0xffffffffL;
            long octets = b.getInt(p + 20) & 0xffffffffL;
            long first = b.getInt(p + 24) & 0xffffffffL;
            long last = b.getInt(p + 28) & 0xffffffffL;
            int sport = b.getShort(p + 32) & 0xffff;
            int dport = b.getShort(p + 34) & 0xffff;
            int flags = b.get(p + 37) & 0xff;
            int proto = b.get(p + 38) & 0xff;
            long start = exportMillis - (sysUptime - first);
            long end = exportMillis - (sysUptime - last);
            out.add(record(s, src, dst, sport, dport, proto, start * 1000, Math.max(start, end) * 1000, packets, octets, 0, 0, flags));
        }
        checkSequence(s, sequence, count);
    }

    // ------------------------------------------------------------------ NetFlow v9 and IPFIX

    /** One message's header values and the changes it makes, applied only once it decoded whole. */
    private static final class Message {
        final Session session;
        final int version;
        final long exportMillis;
        final long sysUptimeMillis; // v9 only
        final long nowMillis;
        final Map<Integer, Template> staged = new HashMap<>(); // null value: withdrawn
        final List<PendingSet> unresolved = new ArrayList<>();
        boolean withdrawAllData;
        boolean withdrawAllOptions;
        long systemInitMillis;
        int dataRecords;

        Message(Session session, int version, long exportMillis, long sysUptimeMillis, long nowMillis) {
            this.session = session;
            this.version = version;
            this.exportMillis = exportMillis;
            this.sysUptimeMillis = sysUptimeMillis;
            this.nowMillis = nowMillis;
            this.systemInitMillis = session.systemInitMillis;
        }
    }

    private void decodeTemplated(InetAddress exporter, int version, ByteBuffer b, long nowMillis, List<FlowRecord> out)
            throws NetFlowDecodeException {
        boolean ipfix = version == 10;
        int header = ipfix ? 16 : 20;
        if (b.remaining() < header) {
            throw new NetFlowDecodeException((ipfix ? "IPFIX" : "NetFlow v9") + " header needs " + header
                    + " bytes, datagram has " + b.remaining());
        }
        int end = b.remaining();
        long sequence;
        long domain;
        long exportMillis;
        long sysUptime = 0;
        if (ipfix) {
            int messageLength = b.getShort(2) & 0xffff;
            if (messageLength < header || messageLength > b.remaining()) {
                throw new NetFlowDecodeException("IPFIX message length " + messageLength + " but datagram has " + b.remaining() + " bytes");
            }
            end = messageLength;
            exportMillis = (b.getInt(4) & 0xffffffffL) * 1000;
            sequence = b.getInt(8) & 0xffffffffL;
            domain = b.getInt(12) & 0xffffffffL;
        } else {
            sysUptime = b.getInt(4) & 0xffffffffL;
            exportMillis = (b.getInt(8) & 0xffffffffL) * 1000;
            sequence = b.getInt(12) & 0xffffffffL;
            domain = b.getInt(16) & 0xffffffffL;
        }
        Session s = session(exporter, version, domain);
        Message m = new Message(s, version, exportMillis, sysUptime, nowMillis);
        List<FlowRecord> records = new ArrayList<>();
        int pos = header;
        while (pos < end) {
            if (end - pos < 4) {
                if (ipfix) {
                    throw new NetFlowDecodeException("IPFIX: " + (end - pos) + " stray bytes after the last set");
                }
                break; // v9: trailing padding
            }
            int setId = b.getShort(pos) & 0xffff;
            int setLength = b.getShort(pos + 2) & 0xffff;
            if (setLength < 4 || pos + setLength > end) {
                throw new NetFlowDecodeException(String.format("set %d at offset %d: length %d runs past the message (%d bytes)",
                        setId, pos, setLength, end));
            }
            int body = pos + 4;
            int setEnd = pos + setLength;
            if ((ipfix && setId == 2) || (!ipfix && setId == 0)) {
                templateSet(b, body, setEnd, m, false);
            } else if ((ipfix && setId == 3) || (!ipfix && setId == 1)) {
                templateSet(b, body, setEnd, m, true);
            } else if (setId >= 256) {
                Template t = template(m, setId);
                if (t == null) {
                    byte[] copy = new byte[setEnd - body];
                    b.get(body, copy);
                    m.unresolved.add(new PendingSet(setId, copy, exportMillis, sysUptime, nowMillis));
                } else {
                    dataSet(b, body, setEnd, t, m, records);
                }
            } else {
                throw new NetFlowDecodeException("reserved set id " + setId + " at offset " + pos);
            }
            pos = setEnd;
        }
        commit(m, records);
        out.addAll(records);
        // sequence: v9 counts export packets; IPFIX counts data records (unknown while sets wait for templates)
        checkSequence(s, sequence, ipfix ? (m.unresolved.isEmpty() ? m.dataRecords : -1) : 1);
    }

    private void templateSet(ByteBuffer b, int pos, int end, Message m, boolean options) throws NetFlowDecodeException {
        boolean ipfix = m.version == 10;
        while (end - pos >= 4) {
            int id = b.getShort(pos) & 0xffff;
            int count = b.getShort(pos + 2) & 0xffff;
            if (id == 0 && count == 0) {
                break; // padding
            }
            if (ipfix && count == 0) {
                withdraw(m, id); // RFC 7011 8.1: a (options) template withdrawal: 4 bytes, no scope count
                pos += 4;
                continue;
            }
            if (options && end - pos < 6) {
                throw new NetFlowDecodeException("options template " + id + ": header runs past its set");
            }
            int scope;
            int fields;
            if (options && ipfix) {
                scope = b.getShort(pos + 4) & 0xffff;
                fields = count;
                pos += 6;
                if (scope == 0 || scope > fields) {
                    throw new NetFlowDecodeException("IPFIX options template " + id + ": scope field count " + scope + " of " + fields);
                }
            } else if (options) {
                // v9 options template: scope and option lengths in bytes, 4 bytes per field specifier
                int scopeBytes = count;
                int optionBytes = b.getShort(pos + 4) & 0xffff;
                if (scopeBytes % 4 != 0 || optionBytes % 4 != 0) {
                    throw new NetFlowDecodeException("v9 options template " + id + ": scope/option lengths " + scopeBytes + "/" + optionBytes);
                }
                scope = scopeBytes / 4;
                fields = scope + optionBytes / 4;
                pos += 6;
            } else {
                scope = 0;
                fields = count;
                pos += 4;
            }
            if (id < 256) {
                throw new NetFlowDecodeException("template id " + id + " below 256");
            }
            int[] roles = new int[fields];
            int[] lengths = new int[fields];
            for (int i = 0; i < fields; i++) {
                if (end - pos < 4) {
                    throw new NetFlowDecodeException("template " + id + ": field " + i + " of " + fields + " runs past its set");
                }
                int type = b.getShort(pos) & 0xffff;
                int length = b.getShort(pos + 2) & 0xffff;
                pos += 4;
                long pen = 0;
                if (ipfix && (type & 0x8000) != 0) {
                    if (end - pos < 4) {
                        throw new NetFlowDecodeException("template " + id + ": enterprise number of field " + i + " runs past its set");
                    }
                    pen = b.getInt(pos) & 0xffffffffL;
                    type &= 0x7fff;
                    pos += 4;
                }
                if (length == Template.VARIABLE && !ipfix) {
                    throw new NetFlowDecodeException("v9 template " + id + ": variable length (65535) is IPFIX only");
                }
                if (length == 0) {
                    throw new NetFlowDecodeException("template " + id + ": field " + type + " has length 0");
                }
                int role = options && i < scope ? SKIP : InformationElements.role(pen, type);
                int required = InformationElements.requiredLength(role);
                if (role != SKIP && length != Template.VARIABLE
                        && (required != 0 ? length != required : length > 8)) {
                    throw new NetFlowDecodeException("template " + id + ": element " + (pen != 0 ? pen + "/" : "") + type
                            + " with length " + length);
                }
                if (role != SKIP && length == Template.VARIABLE) {
                    role = SKIP; // a mapped element is never variable-length; skip rather than misread
                }
                roles[i] = role;
                lengths[i] = length;
            }
            Template t = new Template(id, options, scope, roles, lengths, m.nowMillis);
            m.staged.put(id, t);
        }
        // what remains is padding (IPFIX allows it; v9 pads to 4 bytes)
    }

    private void withdraw(Message m, int id) {
        if (id == 2 || id == 3) {
            if (id == 2) {
                m.withdrawAllData = true;
            } else {
                m.withdrawAllOptions = true;
            }
            m.staged.entrySet().removeIf(e -> e.getValue() != null && e.getValue().options == (id == 3));
        } else {
            m.staged.put(id, null);
        }
    }

    /** The template {@code id} as this message sees it (its own changes first), or null. */
    private Template template(Message m, int id) {
        if (m.staged.containsKey(id)) {
            return m.staged.get(id);
        }
        Template t = m.session.templates.get(id);
        if (t == null || (t.options ? m.withdrawAllOptions : m.withdrawAllData)) {
            return null;
        }
        if (m.nowMillis - t.refreshedMillis > templateLifetimeMillis) {
            m.session.templates.remove(id);
            stats.templatesExpired++;
            return null;
        }
        return t;
    }

    private void dataSet(ByteBuffer b, int pos, int end, Template t, Message m, List<FlowRecord> out) throws NetFlowDecodeException {
        if (t.minRecordLength == 0) {
            return;
        }
        while (end - pos >= t.minRecordLength) {
            pos = dataRecord(b, pos, end, t, m.session, m, m.exportMillis, m.sysUptimeMillis, out);
        }
        // fewer bytes than one record: padding
    }

    // per-record field values, reused
    private final long[] values = new long[ROLES];
    private final boolean[] present = new boolean[ROLES];
    private byte[] src;
    private byte[] dst;

    private int dataRecord(ByteBuffer b, int pos, int end, Template t, Session s, Message m, long exportMillis,
            long sysUptime, List<FlowRecord> out) throws NetFlowDecodeException {
        Arrays.fill(present, false);
        src = null;
        dst = null;
        for (int i = 0; i < t.roles.length; i++) {
            int length = t.lengths[i];
            if (length == Template.VARIABLE) {
                if (pos >= end) {
                    throw new NetFlowDecodeException("template " + t.id + ": variable-length field runs past its set");
                }
                length = b.get(pos++) & 0xff;
                if (length == 255) {
                    if (end - pos < 2) {
                        throw new NetFlowDecodeException("template " + t.id + ": variable-length field runs past its set");
                    }
                    length = b.getShort(pos) & 0xffff;
                    pos += 2;
                }
            }
            if (end - pos < length) {
                throw new NetFlowDecodeException("template " + t.id + ": record runs past its set (field " + i + ")");
            }
            int role = t.roles[i];
            switch (role) {
                case SKIP -> { }
                case SRC_V4, SRC_V6 -> {
                    src = new byte[length];
                    b.get(pos, src);
                }
                case DST_V4, DST_V6 -> {
                    dst = new byte[length];
                    b.get(pos, dst);
                }
                default -> {
                    long v = 0;
                    for (int k = 0; k < length; k++) {
                        v = (v << 8) | (b.get(pos + k) & 0xff);
                    }
                    values[role] = v;
                    present[role] = true;
                }
            }
            pos += length;
        }
        if (t.options) {
            stats.optionsRecords++;
            if (present[SYSTEM_INIT_MILLIS] && m != null) {
                m.systemInitMillis = values[SYSTEM_INIT_MILLIS];
            } else if (present[SYSTEM_INIT_MILLIS]) {
                s.systemInitMillis = values[SYSTEM_INIT_MILLIS];
            }
            return pos;
        }
        if (m != null) {
            m.dataRecords++;
        }
        if (src == null || dst == null || src.length != dst.length) {
            stats.recordsWithoutAddresses++;
            return pos;
        }
        long systemInit = m != null ? m.systemInitMillis : s.systemInitMillis;
        long startMicros = startMicros(exportMillis, sysUptime, systemInit, s.version);
        long endMicros = endMicros(exportMillis, sysUptime, systemInit, s.version);
        if (startMicros == Long.MIN_VALUE && endMicros != Long.MIN_VALUE) {
            startMicros = durationMicros() >= 0 ? endMicros - durationMicros() : endMicros;
        } else if (endMicros == Long.MIN_VALUE && startMicros != Long.MIN_VALUE) {
            endMicros = durationMicros() >= 0 ? startMicros + durationMicros() : startMicros;
        } else if (startMicros == Long.MIN_VALUE) {
            stats.timesApproximated++;
            endMicros = exportMillis * 1000;
            startMicros = durationMicros() >= 0 ? endMicros - durationMicros() : endMicros;
        }
        long packets = present[PACKETS] ? values[PACKETS] : values(PACKETS_TOTAL);
        long octets = present[OCTETS] ? values[OCTETS] : values(OCTETS_TOTAL);
        long revPackets = present[REV_PACKETS] ? values[REV_PACKETS] : values(REV_PACKETS_TOTAL);
        long revOctets = present[REV_OCTETS] ? values[REV_OCTETS] : values(REV_OCTETS_TOTAL);
        int flags = (int) (values(TCP_FLAGS) | values(REV_TCP_FLAGS)) & 0xfff;
        int proto = (int) values(PROTOCOL);
        boolean ports = proto == 6 || proto == 17 || proto == 132;
        out.add(record(s, src, dst, ports ? (int) values(SRC_PORT) : 0, ports ? (int) values(DST_PORT) : 0, proto,
                startMicros, Math.max(startMicros, endMicros), packets, octets, revPackets, revOctets, flags));
        return pos;
    }

    private long values(int role) {
        return present[role] ? values[role] : 0;
    }

    private long durationMicros() {
        return present[DURATION_MICROS] ? values[DURATION_MICROS]
                : present[DURATION_MILLIS] ? values[DURATION_MILLIS] * 1000 : -1;
    }

    private long startMicros(long exportMillis, long sysUptime, long systemInit, int version) {
        return time(START_SECONDS, START_MILLIS, START_MICROS, START_NANOS, START_DELTA_MICROS, START_UPTIME,
                exportMillis, sysUptime, systemInit, version);
    }

    private long endMicros(long exportMillis, long sysUptime, long systemInit, int version) {
        return time(END_SECONDS, END_MILLIS, END_MICROS, END_NANOS, END_DELTA_MICROS, END_UPTIME,
                exportMillis, sysUptime, systemInit, version);
    }

    private long time(int seconds, int millis, int ntpMicros, int ntpNanos, int deltaMicros, int uptime,
            long exportMillis, long sysUptime, long systemInit, int version) {
        if (present[millis]) {
            return values[millis] * 1000;
        }
        if (present[ntpMicros]) {
            return ntpToMicros(values[ntpMicros]);
        }
        if (present[ntpNanos]) {
            return ntpToMicros(values[ntpNanos]);
        }
        if (present[seconds]) {
            return values[seconds] * 1_000_000;
        }
        if (present[deltaMicros]) {
            return exportMillis * 1000 - values[deltaMicros];
        }
        if (present[uptime]) {
            if (version == 9) {
                // v9: relative to the header's sysUptime at export time (32-bit milliseconds, may wrap)
                long behind = (sysUptime - values[uptime]) & 0xffffffffL;
                return (exportMillis - behind) * 1000;
            }
            if (systemInit != Long.MIN_VALUE) {
                return (systemInit + values[uptime]) * 1000;
            }
        }
        return Long.MIN_VALUE;
    }

    private static long ntpToMicros(long ntp) {
        long seconds = (ntp >>> 32) - NTP_EPOCH_OFFSET_SECONDS;
        long fraction = ntp & 0xffffffffL;
        return seconds * 1_000_000 + ((fraction * 1_000_000) >>> 32);
    }

    private FlowRecord record(Session s, byte[] src, byte[] dst, int sport, int dport, int proto, long startMicros, long endMicros,
            long packets, long octets, long revPackets, long revOctets, int flags) {
        FlowKey key = new FlowKey(ByteBuffer.wrap(src), ByteBuffer.wrap(dst), sport, dport, proto);
        return new FlowRecord(key, startMicros, endMicros, packets, revPackets, octets, revOctets, flags, s.exporterName,
                List.of(), List.of(), List.of(), Map.of(), ByteBuffer.wrap(s.exporterAddress), s.domain);
    }

    private void commit(Message m, List<FlowRecord> out) {
        Session s = m.session;
        if (m.withdrawAllData || m.withdrawAllOptions) {
            Iterator<Template> it = s.templates.values().iterator();
            while (it.hasNext()) {
                Template t = it.next();
                if (t.options ? m.withdrawAllOptions : m.withdrawAllData) {
                    it.remove();
                    stats.templatesWithdrawn++;
                }
            }
        }
        s.systemInitMillis = m.systemInitMillis;
        boolean newTemplates = false;
        for (Map.Entry<Integer, Template> e : m.staged.entrySet()) {
            Template t = e.getValue();
            if (t == null) {
                if (s.templates.remove(e.getKey()) != null) {
                    stats.templatesWithdrawn++;
                }
                continue;
            }
            Template old = s.templates.put(e.getKey(), t);
            if (old == null || !old.sameLayout(t)) {
                newTemplates = true;
            }
            if (t.options) {
                stats.optionsTemplates++;
            } else {
                stats.templates++;
            }
        }
        // data sets wait for their template (this message's own data sets too: a template set may follow them)
        for (PendingSet p : m.unresolved) {
            stats.dataSetsBuffered++;
            s.pending.addLast(p);
        }
        if (!s.pending.isEmpty() && (newTemplates || !m.staged.isEmpty())) {
            resolvePending(s, m.nowMillis, out);
        }
        while (s.pending.size() > maxPendingSets) {
            s.pending.removeFirst();
            stats.dataSetsDroppedWithoutTemplate++;
        }
    }

    private void resolvePending(Session s, long nowMillis, List<FlowRecord> out) {
        Iterator<PendingSet> it = s.pending.iterator();
        while (it.hasNext()) {
            PendingSet p = it.next();
            if (nowMillis - p.receivedMillis > templateLifetimeMillis) {
                it.remove();
                stats.dataSetsDroppedWithoutTemplate++;
                continue;
            }
            Template t = s.templates.get(p.templateId);
            if (t == null) {
                continue;
            }
            it.remove();
            List<FlowRecord> late = new ArrayList<>();
            try {
                ByteBuffer b = ByteBuffer.wrap(p.bytes);
                int pos = 0;
                while (t.minRecordLength > 0 && p.bytes.length - pos >= t.minRecordLength) {
                    pos = dataRecord(b, pos, p.bytes.length, t, s, null, p.exportMillis, p.sysUptimeMillis, late);
                }
                out.addAll(late);
                stats.dataSetsDecodedLate++;
            } catch (NetFlowDecodeException | RuntimeException e) {
                stats.dataSetsDroppedWithoutTemplate++; // the template that came does not fit what waited
            }
        }
    }

    /**
     * Counts the records (export packets, for v9) missing before this message. RFC 7011 numbers an IPFIX
     * message by the data records sent before it; softflowd 1.1.0 numbers it by the records up to and
     * including its own. A session's first consecutive pair of messages tells which it uses (both agree
     * when messages hold the same number of records; the RFC reading is kept until they differ).
     */
    private void checkSequence(Session s, long sequence, long count) {
        if (s.lastSequence >= 0) {
            long before = s.lastCount < 0 ? -1 : (s.lastSequence + s.lastCount) & 0xffffffffL;
            long including = count < 0 ? -1 : (s.lastSequence + count) & 0xffffffffL;
            if (s.numbering == 0 && before != including && before >= 0 && including >= 0) {
                s.numbering = sequence == including ? 2 : sequence == before ? 1 : 0;
            }
            long expected = s.numbering == 2 ? including : before;
            if (expected >= 0) {
                int diff = (int) (sequence - expected);
                if (diff > 0) {
                    stats.gap(s.exporterName + "/" + s.domain + " (v" + s.version + ")", diff);
                } else if (diff < 0) {
                    stats.sequenceResets++;
                }
            }
        }
        s.lastSequence = sequence;
        s.lastCount = count;
    }

    // ------------------------------------------------------------------ sessions

    record SessionKey(InetAddress exporter, int version, long domain) {}

    private record PendingSet(int templateId, byte[] bytes, long exportMillis, long sysUptimeMillis, long receivedMillis) {}

    private static final class Session {
        final String exporterName;
        final byte[] exporterAddress;
        final int version;
        final long domain;
        final Map<Integer, Template> templates = new HashMap<>();
        final ArrayDeque<PendingSet> pending = new ArrayDeque<>();
        long lastSequence = -1;
        long lastCount = -1;
        /** 0 not known yet, 1 records before the message (RFC 7011), 2 records up to and including it. */
        int numbering;
        long systemInitMillis = Long.MIN_VALUE;

        Session(InetAddress exporter, int version, long domain) {
            this.exporterName = exporter.getHostAddress();
            this.exporterAddress = exporter.getAddress();
            this.version = version;
            this.domain = domain;
        }
    }

    private Session session(InetAddress exporter, int version, long domain) {
        return sessions.computeIfAbsent(new SessionKey(exporter, version, domain), k -> new Session(exporter, version, domain));
    }

    /** Template ids currently known for a session (for tests and the collector's status line). */
    public int templateCount() {
        int n = 0;
        for (Session s : sessions.values()) {
            n += s.templates.size();
        }
        return n;
    }
}
