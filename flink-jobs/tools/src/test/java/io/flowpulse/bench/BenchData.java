package io.flowpulse.bench;

import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.PortSample;
import io.flowpulse.sim.SimulatorParams;
import io.flowpulse.sim.TrafficSimulator;
import io.flowpulse.sources.LabelledFlowCsv;
import io.flowpulse.sources.pcap.DecodeStats;
import io.flowpulse.sources.pcap.PacketDecoder;
import io.flowpulse.sources.pcap.PcapFrame;
import io.flowpulse.sources.pcap.RepeatedCaptureGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Real inputs for the JMH benchmarks, from ../shared/data (or -Dflowpulse.shared.data). */
final class BenchData {
    private BenchData() {}

    static Path shared() {
        return Path.of(System.getProperty("flowpulse.shared.data", "../shared/data"));
    }

    /** The first {@code max} decodable packets of throughput-merged.pcap.gz. */
    static List<PacketEvent> packets(int max) {
        Path pcap = shared().resolve("pcap/throughput-merged.pcap.gz");
        List<PcapFrame> frames = RepeatedCaptureGenerator.decodableFrames(pcap, new DecodeStats());
        PacketDecoder decoder = new PacketDecoder(new DecodeStats(), null);
        List<PacketEvent> out = new ArrayList<>();
        for (PcapFrame f : frames) {
            if (out.size() == max) {
                break;
            }
            out.add(decoder.decode(f));
        }
        return out;
    }

    static List<FlowRecord> flowRecords(int max) throws IOException {
        List<FlowRecord> out = new ArrayList<>();
        LabelledFlowCsv.read(shared().resolve("flows/cesnet_alf_doh/alf_trapcap_flows.csv.gz"), "is_doh_blacklist", (r, l) -> {
            if (out.size() < max) {
                out.add(r);
            }
        });
        return out;
    }

    static List<PortSample> portSamples(int max) {
        List<PortSample> out = new ArrayList<>();
        new TrafficSimulator(new SimulatorParams().withSeed(7).withDevices(1).withPortsPerDevice(8)
                .withPortDuration(Duration.ofDays(1))).generatePortSamples(s -> {
                    if (out.size() < max) {
                        out.add(s);
                    }
                });
        return out;
    }
}
